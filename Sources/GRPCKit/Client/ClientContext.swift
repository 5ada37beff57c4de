/// What a client interceptor knows about the call it intercepts besides its options.
public struct ClientContext: Sendable, Hashable {
  /// The method being called.
  public var method: ProtobufMethodDescriptor

  /// Creates a context.
  ///
  /// - Parameter method: The method being called.
  public init(method: ProtobufMethodDescriptor) {
    self.method = method
  }
}
