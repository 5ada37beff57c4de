/// One started server call, as a ``ServerStreamHandler`` returns it to the transport: the call's
/// context, the sink the transport feeds, and the task body that runs the call.
public struct ServerCall: Sendable {
  /// The call's context. The transport sends its response headers
  /// (`takeResponseHeaders()`) with the first message and marks it cancelled when the stream
  /// ends early.
  public let context: ServerContext
  /// Where the transport delivers request messages and the end of the request stream.
  public let requests: any InboundMessageSink
  /// Runs the call to completion (interceptors, then the handler) and ends it through the
  /// outbound side with its status and trailers. The transport runs it in a task, exactly once
  /// (also when the stream ends before the task starts: ``GRPCServer/maximumOpenCalls`` frees the
  /// call's slot when it returns), and cancels that task when the call ends early.
  public let run: @Sendable () async -> Void

  /// Creates a call.
  ///
  /// - Parameters:
  ///   - context: The call's context.
  ///   - requests: The sink for request messages.
  ///   - run: The task body.
  public init(context: ServerContext, requests: any InboundMessageSink, run: @escaping @Sendable () async -> Void) {
    self.context = context
    self.requests = requests
    self.run = run
  }
}
