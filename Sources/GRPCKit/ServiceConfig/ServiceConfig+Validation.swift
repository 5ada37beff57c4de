extension ServiceConfig {
  /// Checks the rules of gRFC A6 and `service_config.proto`, as grpc-go does: each method name
  /// at most once (the default included), a service for every method; retry `maxAttempts` at
  /// least 2, backoffs and multiplier above zero, some retryable codes; hedging `maxAttempts`
  /// at least 2 and a delay not below zero; sizes not below zero; throttling `maxTokens` in
  /// 1...1000 and `tokenRatio` above zero.
  ///
  /// - Throws: ``ServiceConfigError`` naming the first offending value's JSON path.
  public func validate() throws(ServiceConfigError) {
    var seen: Set<MethodConfig.Name> = []
    for (index, config) in self.methodConfig.enumerated() {
      let path = "methodConfig[\(index)]"
      for (nameIndex, name) in config.names.enumerated() {
        let namePath = "\(path).name[\(nameIndex)]"
        if name.service.isEmpty && !name.method.isEmpty {
          throw ServiceConfigError(
            path: "\(namePath).service",
            reason: "must be set when method is set"
          )
        }
        guard seen.insert(name).inserted else {
          let described =
            name.service.isEmpty
            ? "the default name"
            : name.method.isEmpty ? "service \(name.service)" : "\(name.service)/\(name.method)"
          throw ServiceConfigError(
            path: namePath,
            reason: "duplicate name: \(described) is configured twice"
          )
        }
      }
      if let timeout = config.timeout, timeout < .zero {
        throw ServiceConfigError(path: "\(path).timeout", reason: "must not be negative")
      }
      if let bytes = config.maxRequestMessageBytes, bytes < 0 {
        throw ServiceConfigError(
          path: "\(path).maxRequestMessageBytes",
          reason: "must not be negative (is \(bytes))"
        )
      }
      if let bytes = config.maxResponseMessageBytes, bytes < 0 {
        throw ServiceConfigError(
          path: "\(path).maxResponseMessageBytes",
          reason: "must not be negative (is \(bytes))"
        )
      }
      switch config.executionPolicy {
      case .retry(let policy): try policy.validate(path: "\(path).retryPolicy")
      case .hedge(let policy): try policy.validate(path: "\(path).hedgingPolicy")
      case nil: break
      }
    }
    if let throttling = self.retryThrottling {
      guard (1 ... 1000).contains(throttling.maxTokens) else {
        throw ServiceConfigError(
          path: "retryThrottling.maxTokens",
          reason: "must be between 1 and 1000 (is \(throttling.maxTokens))"
        )
      }
      guard throttling.tokenRatio >= 0.001 else {
        throw ServiceConfigError(
          path: "retryThrottling.tokenRatio",
          reason: "must be at least 0.001 (is \(throttling.tokenRatio))"
        )
      }
    }
  }
}

extension ServiceConfig.RetryPolicy {
  func validate(path: String) throws(ServiceConfigError) {
    guard self.maxAttempts >= 2 else {
      throw ServiceConfigError(
        path: "\(path).maxAttempts",
        reason: "must be at least 2 (is \(self.maxAttempts))"
      )
    }
    guard self.initialBackoff > .zero else {
      throw ServiceConfigError(path: "\(path).initialBackoff", reason: "must be above zero")
    }
    guard self.maxBackoff > .zero else {
      throw ServiceConfigError(path: "\(path).maxBackoff", reason: "must be above zero")
    }
    guard self.backoffMultiplier > 0, self.backoffMultiplier.isFinite else {
      throw ServiceConfigError(
        path: "\(path).backoffMultiplier",
        reason: "must be above zero (is \(self.backoffMultiplier))"
      )
    }
    guard !self.retryableStatusCodes.isEmpty else {
      throw ServiceConfigError(
        path: "\(path).retryableStatusCodes",
        reason: "must name at least one status code"
      )
    }
  }

  /// ``maxAttempts`` capped at 5, as gRFC A6 requires.
  var effectiveMaxAttempts: Int { min(self.maxAttempts, 5) }
}

extension ServiceConfig.HedgingPolicy {
  func validate(path: String) throws(ServiceConfigError) {
    guard self.maxAttempts >= 2 else {
      throw ServiceConfigError(
        path: "\(path).maxAttempts",
        reason: "must be at least 2 (is \(self.maxAttempts))"
      )
    }
    guard self.hedgingDelay >= .zero else {
      throw ServiceConfigError(path: "\(path).hedgingDelay", reason: "must not be negative")
    }
  }

  /// ``maxAttempts`` capped at 5, as gRFC A6 requires.
  var effectiveMaxAttempts: Int { min(self.maxAttempts, 5) }
}
