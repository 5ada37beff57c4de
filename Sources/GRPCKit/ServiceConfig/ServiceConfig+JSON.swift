extension ServiceConfig {
  /// Parses and validates the JSON of `grpc/service_config.proto`.
  ///
  /// Field names are accepted in lowerCamelCase and in the proto's snake_case; durations are
  /// proto3 JSON strings (`"0.25s"`), status codes names (`"UNAVAILABLE"`) or numbers, and
  /// 64-bit sizes numbers or decimal strings. Unknown fields and status codes are errors.
  ///
  /// ```swift
  /// let config = try ServiceConfig(json: #"{"methodConfig": [{"name": [{}], "timeout": "2s"}]}"#)
  /// ```
  ///
  /// - Parameter json: The configuration.
  /// - Throws: ``ServiceConfigError`` naming the JSON path of the first problem.
  public init(json: String) throws(ServiceConfigError) {
    let reader = ServiceConfigJSONReader()
    self = try reader.serviceConfig(JSONValue.parse(Array(json.utf8)))
    try self.validate()
  }
}

/// Reads a ``JSONValue`` into a ``ServiceConfig``, keeping the JSON path for errors.
struct ServiceConfigJSONReader {
  func serviceConfig(_ value: JSONValue) throws(ServiceConfigError) -> ServiceConfig {
    let fields = try Self.object(
      value,
      path: "",
      known: [
        "methodConfig", "retryThrottling", "loadBalancingConfig", "loadBalancingPolicy",
        "healthCheckConfig",
      ]
    )
    var config = ServiceConfig()
    if let methods = fields["methodConfig"] {
      let entries = try Self.array(methods, path: "methodConfig")
      for (index, entry) in entries.enumerated() {
        config.methodConfig.append(try self.methodConfig(entry, path: "methodConfig[\(index)]"))
      }
    }
    if let throttling = fields["retryThrottling"] {
      let path = "retryThrottling"
      let fields = try Self.object(throttling, path: path, known: ["maxTokens", "tokenRatio"])
      guard let maxTokens = fields["maxTokens"] else {
        throw ServiceConfigError(path: "\(path).maxTokens", reason: "is required")
      }
      guard let tokenRatio = fields["tokenRatio"] else {
        throw ServiceConfigError(path: "\(path).tokenRatio", reason: "is required")
      }
      config.retryThrottling = ServiceConfig.RetryThrottling(
        maxTokens: try Self.integer(maxTokens, path: "\(path).maxTokens"),
        tokenRatio: try Self.number(tokenRatio, path: "\(path).tokenRatio")
      )
    }
    if let policies = fields["loadBalancingConfig"] {
      config.loadBalancingConfig = try self.loadBalancingConfig(
        policies,
        path: "loadBalancingConfig"
      )
    } else if let policy = fields["loadBalancingPolicy"] {
      let name = try Self.string(policy, path: "loadBalancingPolicy")
      guard let known = Self.loadBalancingPolicy(named: name.lowercased()) else {
        throw ServiceConfigError(
          path: "loadBalancingPolicy",
          reason: "unknown policy \"\(name)\"; supported: pick_first, round_robin"
        )
      }
      config.loadBalancingConfig = [known]
    }
    if let health = fields["healthCheckConfig"] {
      _ = try Self.object(health, path: "healthCheckConfig", known: ["serviceName"])
    }
    return config
  }

  private func methodConfig(
    _ value: JSONValue,
    path: String
  ) throws(ServiceConfigError) -> ServiceConfig.MethodConfig {
    let fields = try Self.object(
      value,
      path: path,
      known: [
        "name", "timeout", "waitForReady", "maxRequestMessageBytes", "maxResponseMessageBytes",
        "retryPolicy",
        "hedgingPolicy",
      ]
    )
    var config = ServiceConfig.MethodConfig(names: [])
    if let names = fields["name"] {
      for (index, name) in try Self.array(names, path: "\(path).name").enumerated() {
        let namePath = "\(path).name[\(index)]"
        let nameFields = try Self.object(name, path: namePath, known: ["service", "method"])
        config.names.append(
          ServiceConfig.MethodConfig.Name(
            service: try nameFields["service"].map { value throws(ServiceConfigError) in
              try Self.string(value, path: "\(namePath).service")
            } ?? "",
            method: try nameFields["method"].map { value throws(ServiceConfigError) in
              try Self.string(value, path: "\(namePath).method")
            } ?? ""
          )
        )
      }
    }
    if let timeout = fields["timeout"] {
      config.timeout = try Self.duration(timeout, path: "\(path).timeout")
    }
    if let wait = fields["waitForReady"] {
      guard case .bool(let flag) = wait else {
        throw Self.typeError(wait, expected: "a boolean", path: "\(path).waitForReady")
      }
      config.waitForReady = flag
    }
    if let bytes = fields["maxRequestMessageBytes"] {
      config.maxRequestMessageBytes = try Self.integer(
        bytes,
        path: "\(path).maxRequestMessageBytes"
      )
    }
    if let bytes = fields["maxResponseMessageBytes"] {
      config.maxResponseMessageBytes = try Self.integer(
        bytes,
        path: "\(path).maxResponseMessageBytes"
      )
    }
    switch (fields["retryPolicy"], fields["hedgingPolicy"]) {
    case (.some, .some):
      throw ServiceConfigError(
        path: path,
        reason: "retryPolicy and hedgingPolicy are mutually exclusive"
      )
    case (.some(let retry), nil):
      config.executionPolicy = .retry(try self.retryPolicy(retry, path: "\(path).retryPolicy"))
    case (nil, .some(let hedging)):
      config.executionPolicy = .hedge(
        try self.hedgingPolicy(hedging, path: "\(path).hedgingPolicy")
      )
    case (nil, nil):
      break
    }
    return config
  }

  private func retryPolicy(
    _ value: JSONValue,
    path: String
  ) throws(ServiceConfigError) -> ServiceConfig.RetryPolicy {
    let fields = try Self.object(
      value,
      path: path,
      known: [
        "maxAttempts", "initialBackoff", "maxBackoff", "backoffMultiplier", "retryableStatusCodes",
      ]
    )
    func required(_ name: String) throws(ServiceConfigError) -> JSONValue {
      guard let value = fields[name] else {
        throw ServiceConfigError(path: "\(path).\(name)", reason: "is required")
      }
      return value
    }
    return ServiceConfig.RetryPolicy(
      maxAttempts: try Self.integer(required("maxAttempts"), path: "\(path).maxAttempts"),
      initialBackoff: try Self.duration(required("initialBackoff"), path: "\(path).initialBackoff"),
      maxBackoff: try Self.duration(required("maxBackoff"), path: "\(path).maxBackoff"),
      backoffMultiplier: try Self.number(
        required("backoffMultiplier"),
        path: "\(path).backoffMultiplier"
      ),
      retryableStatusCodes: try Self.codes(
        required("retryableStatusCodes"),
        path: "\(path).retryableStatusCodes"
      )
    )
  }

  private func hedgingPolicy(
    _ value: JSONValue,
    path: String
  ) throws(ServiceConfigError) -> ServiceConfig.HedgingPolicy {
    let fields = try Self.object(
      value,
      path: path,
      known: ["maxAttempts", "hedgingDelay", "nonFatalStatusCodes"]
    )
    guard let maxAttempts = fields["maxAttempts"] else {
      throw ServiceConfigError(path: "\(path).maxAttempts", reason: "is required")
    }
    return ServiceConfig.HedgingPolicy(
      maxAttempts: try Self.integer(maxAttempts, path: "\(path).maxAttempts"),
      hedgingDelay: try fields["hedgingDelay"].map { value throws(ServiceConfigError) in
        try Self.duration(value, path: "\(path).hedgingDelay")
      } ?? .zero,
      nonFatalStatusCodes: try fields["nonFatalStatusCodes"].map {
        value throws(ServiceConfigError) in
        try Self.codes(value, path: "\(path).nonFatalStatusCodes")
      } ?? []
    )
  }

  /// The supported policies of a `loadBalancingConfig` list, in order (gRFC A24: a list of
  /// single-key objects; unsupported names are skipped, but at least one must be supported).
  private func loadBalancingConfig(
    _ value: JSONValue,
    path: String
  ) throws(ServiceConfigError)
    -> [ServiceConfig.LoadBalancingPolicy]
  {
    var policies: [ServiceConfig.LoadBalancingPolicy] = []
    var names: [String] = []
    for (index, entry) in try Self.array(value, path: path).enumerated() {
      let entryPath = "\(path)[\(index)]"
      guard case .object(let fields) = entry else {
        throw Self.typeError(entry, expected: "an object", path: entryPath)
      }
      guard fields.count == 1, let (name, config) = fields.first else {
        throw ServiceConfigError(
          path: entryPath,
          reason: "must have exactly one policy name as its key (has \(fields.count))"
        )
      }
      names.append(name)
      switch Self.loadBalancingPolicy(named: name) {
      case .pickFirst:
        _ = try Self.object(config, path: "\(entryPath).\(name)", known: ["shuffleAddressList"])
        policies.append(.pickFirst)
      case .roundRobin:
        _ = try Self.object(config, path: "\(entryPath).\(name)", known: [])
        policies.append(.roundRobin)
      case nil:
        continue
      }
    }
    if policies.isEmpty && !names.isEmpty {
      throw ServiceConfigError(
        path: path,
        reason:
          "no supported policy among \(names.joined(separator: ", ")); supported: pick_first, round_robin"
      )
    }
    return policies
  }

  private static func loadBalancingPolicy(named name: String) -> ServiceConfig.LoadBalancingPolicy?
  {
    switch name {
    case "pick_first": .pickFirst
    case "round_robin": .roundRobin
    default: nil
    }
  }

  // MARK: Values

  /// The fields of an object, keyed by their lowerCamelCase names; snake_case names are
  /// accepted too. A field not in `known` (or given twice under both spellings) is an error.
  static func object(
    _ value: JSONValue,
    path: String,
    known: Set<String>
  ) throws(ServiceConfigError)
    -> [String: JSONValue]
  {
    guard case .object(let raw) = value else {
      throw Self.typeError(value, expected: "an object", path: path)
    }
    var fields: [String: JSONValue] = [:]
    for key in raw.keys.sorted() {
      let name = Self.lowerCamelCase(key)
      let fieldPath = path.isEmpty ? key : "\(path).\(key)"
      guard known.contains(name) else {
        throw ServiceConfigError(path: fieldPath, reason: "unknown field")
      }
      guard fields[name] == nil else {
        throw ServiceConfigError(
          path: fieldPath,
          reason: "given twice (as \(name) and in snake_case)"
        )
      }
      if case .null = raw[key]! { continue }
      fields[name] = raw[key]!
    }
    return fields
  }

  static func lowerCamelCase(_ name: String) -> String {
    guard name.contains("_") else { return name }
    var result = ""
    var upper = false
    for character in name {
      if character == "_" {
        upper = true
      } else {
        result.append(upper ? Character(character.uppercased()) : character)
        upper = false
      }
    }
    return result
  }

  static func array(_ value: JSONValue, path: String) throws(ServiceConfigError) -> [JSONValue] {
    guard case .array(let elements) = value else {
      throw Self.typeError(value, expected: "an array", path: path)
    }
    return elements
  }

  static func string(_ value: JSONValue, path: String) throws(ServiceConfigError) -> String {
    guard case .string(let string) = value else {
      throw Self.typeError(value, expected: "a string", path: path)
    }
    return string
  }

  static func number(_ value: JSONValue, path: String) throws(ServiceConfigError) -> Double {
    switch value {
    case .number(let number): return number
    case .string(let text):
      guard let number = Double(text), number.isFinite else {
        throw ServiceConfigError(path: path, reason: "\"\(text)\" is not a number")
      }
      return number
    default: throw Self.typeError(value, expected: "a number", path: path)
    }
  }

  /// An integer: a JSON number without a fraction, or a decimal string (proto3 JSON's int64).
  static func integer(_ value: JSONValue, path: String) throws(ServiceConfigError) -> Int {
    switch value {
    case .number(let number):
      guard number.rounded() == number, let integer = Int(exactly: number) else {
        throw ServiceConfigError(path: path, reason: "must be an integer (is \(number))")
      }
      return integer
    case .string(let text):
      guard let integer = Int(text) else {
        throw ServiceConfigError(path: path, reason: "\"\(text)\" is not an integer")
      }
      return integer
    default:
      throw Self.typeError(value, expected: "an integer", path: path)
    }
  }

  /// A proto3 JSON duration: decimal seconds with at most nine fractional digits and an `s`.
  static func duration(_ value: JSONValue, path: String) throws(ServiceConfigError) -> Duration {
    let text = try Self.string(value, path: path)
    guard let duration = Self.parseDuration(text) else {
      throw ServiceConfigError(
        path: path,
        reason:
          "\"\(text)\" is not a duration: seconds with up to 9 decimals and an \"s\", like \"0.25s\""
      )
    }
    return duration
  }

  static func parseDuration(_ text: String) -> Duration? {
    guard text.hasSuffix("s") else { return nil }
    var body = Substring(text.dropLast())
    let negative = body.hasPrefix("-")
    if negative { body = body.dropFirst() }
    let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit),
      let seconds = Int64(whole), seconds <= 315_576_000_000
    else { return nil }
    var nanoseconds: Int64 = 0
    if parts.count == 2 {
      let fraction = parts[1]
      guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy(\.isASCIIDigit) else {
        return nil
      }
      nanoseconds = Int64(fraction + String(repeating: "0", count: 9 - fraction.count))!
    }
    let duration = Duration.seconds(seconds) + .nanoseconds(nanoseconds)
    return negative ? .zero - duration : duration
  }

  /// Status codes by name (`"UNAVAILABLE"`) or number (`14`).
  static func codes(_ value: JSONValue, path: String) throws(ServiceConfigError) -> Set<Status.Code>
  {
    var codes: Set<Status.Code> = []
    for (index, element) in try Self.array(value, path: path).enumerated() {
      let elementPath = "\(path)[\(index)]"
      switch element {
      case .string(let name):
        guard let code = Status.Code.allCodes.first(where: { $0.name == name }) else {
          throw ServiceConfigError(path: elementPath, reason: "unknown status code \"\(name)\"")
        }
        codes.insert(code)
      case .number(let number):
        guard let raw = Int(exactly: number), let code = Status.Code(rawValue: raw) else {
          let text = Int(exactly: number).map(String.init) ?? "\(number)"
          throw ServiceConfigError(path: elementPath, reason: "unknown status code \(text)")
        }
        codes.insert(code)
      default:
        throw Self.typeError(element, expected: "a status code name or number", path: elementPath)
      }
    }
    return codes
  }

  static func typeError(_ value: JSONValue, expected: String, path: String) -> ServiceConfigError {
    ServiceConfigError(path: path, reason: "must be \(expected) (is \(value.kindName))")
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}
