extension GRPCClient {
  /// Fills in what the call's own options leave unset from the method's service config entry.
  static func apply(_ config: ServiceConfig.MethodConfig, to options: inout CallOptions) {
    if options.timeout == nil { options.timeout = config.timeout }
    if config.waitForReady == true { options.waitForReady = true }
    if options.maximumSendMessageSize == nil {
      options.maximumSendMessageSize = config.maxRequestMessageBytes
    }
    if options.maximumReceiveMessageSize == nil {
      options.maximumReceiveMessageSize = config.maxResponseMessageBytes
    }
  }

  /// Opens the call's stream on the transport, or, for a method with a retry or hedging
  /// policy, a ``RetryingClientStream`` that runs the attempts on it.
  func openStream(
    _ method: ProtobufMethodDescriptor,
    options: CallOptions,
    policy: ServiceConfig.MethodConfig.ExecutionPolicy?,
    responses: any InboundMessageSink
  ) async throws(RPCError) -> any ClientStreamOutbound {
    let transport = self.transport
    let retryPolicy: RetryingClientStream.Policy
    switch policy {
    case nil:
      return try await transport.openStream(method: method, options: options, responses: responses)
    case .retry(let policy): retryPolicy = .retry(policy)
    case .hedge(let policy): retryPolicy = .hedge(policy)
    }
    return await RetryingClientStream.start(
      policy: retryPolicy,
      throttle: self.retryThrottle,
      bufferLimit: self.retryBufferSize,
      options: options,
      responses: responses
    ) { options, sink throws(RPCError) in
      try await transport.openStream(method: method, options: options, responses: sink)
    }
  }
}
