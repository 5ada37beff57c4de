/// A type-erased method implementation, as registered in an ``RPCRouter``, with the server
/// interceptors its calls pass through.
public struct ServerMethodHandler: Sendable {
  /// The method this handler serves.
  public let method: ProtobufMethodDescriptor
  /// The interceptors every call of this method passes through, first to last, before the
  /// implementation; set by ``RPCRouter/registerInterceptors(_:)``.
  public internal(set) var interceptors: [any ServerInterceptor] = []
  private let makeCall: @Sendable (ServerStream, [any ServerInterceptor]) -> ServerCall

  package init(
    method: ProtobufMethodDescriptor,
    makeCall: @escaping @Sendable (ServerStream, [any ServerInterceptor]) -> ServerCall
  ) {
    self.method = method
    self.makeCall = makeCall
  }

  /// Prepares a call of this method on `stream`; the transport then feeds `requests` and runs
  /// `run` in a task.
  ///
  /// - Parameter stream: The stream the transport accepted for this method.
  /// - Returns: The call.
  public func startCall(_ stream: ServerStream) -> ServerCall {
    self.makeCall(stream, self.interceptors)
  }
}

extension ServerMethodHandler {
  /// Builds the handler for a streaming request and a streaming response; the other three kinds
  /// are adapters over it.
  package static func bidirectional<Request: ProtobufMessage, Response: ProtobufMessage>(
    method: ProtobufMethodDescriptor,
    handler: @escaping ServerCallExecutor.Handler<Request, Response>
  ) -> ServerMethodHandler {
    ServerMethodHandler(method: method) { stream, interceptors in
      let buffer = InboundMessageBuffer<Request>()
      let context = ServerContext(method: method, stream: stream)
      let outbound = stream.outbound
      return ServerCall(context: context, requests: buffer) {
        await ServerCallExecutor.run(
          requests: RequestStream(buffer: buffer),
          outbound: outbound,
          context: context,
          interceptors: interceptors,
          handler: handler)
      }
    }
  }
}
