/// Turns a stream a ``ServerTransport`` accepted into a call: looks up the method, builds the
/// call's context and returns what the transport feeds and runs. ``GRPCServer`` implements it.
///
/// Transports call it on their own thread (for HTTP/2: the connection's event loop), once per
/// stream, before any request message arrives; it must not block.
public protocol ServerStreamHandler: Sendable {
  /// Starts the call for `stream`.
  ///
  /// - Parameter stream: What the transport knows about the stream.
  /// - Returns: The call: the sink for its request messages and the task body that runs it.
  /// - Throws: ``RPCError`` when the stream cannot become a call (`UNIMPLEMENTED` for a path
  ///   that names no registered method); the transport ends the stream with it, as a
  ///   trailers-only response.
  func handle(_ stream: ServerStream) throws(RPCError) -> ServerCall
}
