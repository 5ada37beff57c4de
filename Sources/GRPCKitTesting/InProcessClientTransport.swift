public import GRPCKit

/// The client side of an ``InProcessTransport``: every call goes to its
/// ``InProcessServerTransport``, in memory.
///
/// It behaves as the nghttp2 client transport does: request metadata loses the protocol's
/// reserved keys, the timeout becomes the server call's deadline (`DEADLINE_EXCEEDED` on both
/// sides when it passes), cancelling the call cancels the handler, a response larger than the
/// receive limit ends the call with `RESOURCE_EXHAUSTED`, and a writer waits while its reader
/// has a full buffer. Compression options are accepted and have no effect.
public struct InProcessClientTransport: ClientTransport {
  /// The server the calls go to.
  public let server: InProcessServerTransport
  /// The largest response message accepted unless a call sets its own
  /// (``CallOptions/maximumReceiveMessageSize``).
  public let maximumReceiveMessageSize: Int
  /// The largest request message sent unless a call sets its own
  /// (``CallOptions/maximumSendMessageSize``); `nil` for no limit. A larger one fails the call
  /// with `RESOURCE_EXHAUSTED` and is not sent.
  public let maximumSendMessageSize: Int?

  /// Creates the client side of `server`.
  ///
  /// - Parameters:
  ///   - server: The server transport to call.
  ///   - maximumReceiveMessageSize: The response size limit (4 MiB, as the nghttp2
  ///     transport's default).
  ///   - maximumSendMessageSize: The request size limit (none by default, as over nghttp2).
  public init(
    server: InProcessServerTransport,
    maximumReceiveMessageSize: Int = 4 << 20,
    maximumSendMessageSize: Int? = nil
  ) {
    self.server = server
    self.maximumReceiveMessageSize = maximumReceiveMessageSize
    self.maximumSendMessageSize = maximumSendMessageSize
  }

  /// Starts a call on the server; waits for it to listen if it does not yet.
  ///
  /// - Parameters:
  ///   - method: The method to call.
  ///   - options: The timeout and metadata; `maximumReceiveMessageSize` overrides the
  ///     transport's limit.
  ///   - responses: Where the response headers, messages and status go.
  /// - Returns: The request side.
  /// - Throws: ``RPCError`` `UNAVAILABLE` when the server is shutting down, `DEADLINE_EXCEEDED`
  ///   or `CANCELLED` while waiting for it to listen.
  public func openStream(
    method: ProtobufMethodDescriptor,
    options: CallOptions,
    responses: any InboundMessageSink
  ) async throws(RPCError) -> any ClientStreamOutbound {
    let deadline = options.timeout.map { ContinuousClock.now.advanced(by: $0) }
    let handler = try await self.server.streamHandler(waitingUntil: deadline)
    let call = InProcessCall(
      responseSink: responses,
      maximumRequestSize: self.server.maximumReceiveMessageSize,
      maximumResponseSize: options.maximumReceiveMessageSize ?? self.maximumReceiveMessageSize,
      requestSendLimit: options.maximumSendMessageSize ?? self.maximumSendMessageSize,
      responseSendLimit: self.server.maximumSendMessageSize
    )
    let stream = ServerStream(
      path: method.path,
      metadata: InProcessCall.overTheWire(options.metadata),
      peer: "in-process",
      deadline: deadline,
      outbound: call.server
    )
    let serverCall: ServerCall
    do {
      serverCall = try handler.handle(stream)
    } catch {
      // A trailers-only response, as the nghttp2 server sends for a stream it cannot route.
      call.finish(error.status, trailers: error.metadata)
      return call.client
    }
    guard let onEnd = self.server.register(call) else {
      let error = RPCError(code: .unavailable, message: "the in-process server stopped")
      call.finish(error.status, trailers: [:])
      return call.client
    }
    call.start(serverCall, timeout: options.timeout, onEnd: onEnd)
    return call.client
  }
}
