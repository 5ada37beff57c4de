extension ServerContext {
  /// How this call's response messages are compressed, overriding the server's policy; `nil`
  /// (the default) follows the policy.
  ///
  /// The choice takes effect only if the client accepts the algorithm (its
  /// `grpc-accept-encoding`) and the server has it enabled; otherwise responses are sent
  /// uncompressed. `.identity` turns compression off for the call. It is read when the first
  /// response message is written; later changes are ignored. Single messages can still be sent
  /// uncompressed with `ResponseWriter.write(_:compress:)`.
  ///
  /// ```swift
  /// context.responseCompression = .gzip
  /// try await responses.write(largeReport)
  /// ```
  public var responseCompression: CompressionAlgorithm? {
    get { self.shared.response.withLock { $0.compression } }
    set {
      guard self.outbound?.setResponseCompression(newValue) ?? true else { return }
      self.shared.response.withLock { $0.compression = newValue }
    }
  }
}
