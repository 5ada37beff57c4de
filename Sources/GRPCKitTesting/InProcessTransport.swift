/// A client transport and a server transport connected in memory: client and server in one
/// process, no sockets, for hermetic tests of a service through the same ``GRPCServer`` and
/// ``GRPCClient`` (interceptors, deadlines, metadata, errors with details) as over HTTP/2.
///
/// ```swift
/// let transport = InProcessTransport()
/// let server = GRPCServer(transport: transport.server, services: [EchoService()])
/// try await withThrowingDiscardingTaskGroup { group in
///   group.addTask { try await server.serve() }
///   let echo = Echo_Echo.Client(wrapping: GRPCClient(transport: transport.client))
///   let reply = try await echo.get(Echo_EchoRequest(text: "hi"))
///   server.beginGracefulShutdown()
/// }
/// ```
///
/// ``withInProcessServer(services:serverInterceptors:clientInterceptors:_:)`` does this for you.
///
/// Semantics are the nghttp2 transport's: deadlines end the call with `DEADLINE_EXCEEDED` and
/// cancel the handler; a cancelled client call cancels the handler; reserved headers are dropped
/// from metadata both ways and `-bin` values arrive as bytes; a call that ends without messages
/// is a trailers-only response (its headers arrive with the trailers); messages over the
/// receiving side's limit end the call with `RESOURCE_EXHAUSTED`, and so do messages over the
/// sending side's limit, unsent; and each direction of a call
/// holds a bounded buffer: a writer waits while its reader does not read. Messages are not
/// compressed. The peer is `"in-process"`.
public struct InProcessTransport: Sendable {
  /// Give it to ``GRPCServer``.
  public let server: InProcessServerTransport
  /// Give it to ``GRPCClient``.
  public let client: InProcessClientTransport

  /// Creates a connected pair.
  ///
  /// - Parameters:
  ///   - maximumRequestMessageSize: The server's receive limit (4 MiB by default).
  ///   - maximumResponseMessageSize: The client's receive limit (4 MiB by default); a call can
  ///     set its own with ``CallOptions/maximumReceiveMessageSize``.
  ///   - clientSendLimit: The client's send limit (none by default); a call can set its own
  ///     with ``CallOptions/maximumSendMessageSize``.
  ///   - serverSendLimit: The server's send limit (none by default).
  public init(
    maximumRequestMessageSize: Int = 4 << 20,
    maximumResponseMessageSize: Int = 4 << 20,
    clientSendLimit: Int? = nil,
    serverSendLimit: Int? = nil
  ) {
    self.server = InProcessServerTransport(
      maximumReceiveMessageSize: maximumRequestMessageSize,
      maximumSendMessageSize: serverSendLimit
    )
    self.client = InProcessClientTransport(
      server: self.server,
      maximumReceiveMessageSize: maximumResponseMessageSize,
      maximumSendMessageSize: clientSendLimit
    )
  }
}
