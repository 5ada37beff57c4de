/// One started server call: the sink the transport feeds, and the task body that runs the
/// handler and ends the call with its status.
public struct ServerCall: Sendable {
  /// Where the transport delivers request messages and the end of the request stream.
  public let requests: any InboundMessageSink
  /// Runs the handler to completion and ends the call through the outbound side. The transport
  /// runs it in a task and cancels that task when the call ends early.
  public let run: @Sendable () async -> Void
}

/// A type-erased method implementation, as registered in an ``RPCRouter``.
public struct ServerMethodHandler: Sendable {
  /// The method this handler serves.
  public let method: ProtobufMethodDescriptor
  private let makeCall: @Sendable (ServerContext, any ServerStreamOutbound) -> ServerCall

  package init(
    method: ProtobufMethodDescriptor,
    makeCall: @escaping @Sendable (ServerContext, any ServerStreamOutbound) -> ServerCall
  ) {
    self.method = method
    self.makeCall = makeCall
  }

  /// Prepares a call; the transport then feeds `requests` and runs `run` in a task.
  ///
  /// - Parameters:
  ///   - context: The call's context.
  ///   - outbound: The transport's sending side for the call.
  public func startCall(context: ServerContext, outbound: any ServerStreamOutbound) -> ServerCall {
    self.makeCall(context, outbound)
  }
}

extension ServerMethodHandler {
  /// Builds the handler for a streaming request and a streaming response; the other three kinds
  /// are adapters over it.
  package static func bidirectional<Request: ProtobufMessage, Response: ProtobufMessage>(
    method: ProtobufMethodDescriptor,
    handler: @escaping @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) -> ServerMethodHandler {
    ServerMethodHandler(method: method) { context, outbound in
      let buffer = InboundMessageBuffer<Request>()
      return ServerCall(requests: buffer) {
        let status: Status
        var trailers: Metadata
        do {
          try await handler(RequestStream(buffer: buffer), ResponseWriter(outbound: outbound), context)
          status = .ok
          trailers = context.trailers
        } catch {
          let rpcError = RPCError(wrapping: error)
          status = rpcError.status
          trailers = context.trailers
          trailers.add(contentsOf: rpcError.metadata)
        }
        outbound.finish(status, trailers: trailers)
      }
    }
  }
}

extension RequestStream {
  /// The single request of a unary or server-streaming call: exactly one message, then the
  /// client's half-close.
  package func single() async throws -> Message {
    guard let message = try await self.buffer.next() else {
      throw RPCError(
        code: .internal,
        message: "the client half-closed without sending the request message")
    }
    guard try await self.buffer.next() == nil else {
      throw RPCError(
        code: .internal,
        message: "the client sent more than one request message to a method that takes one")
    }
    return message
  }
}
