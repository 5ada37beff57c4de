public import Logging

/// Accepts connections and turns each incoming RPC into a call of a ``ServerMethodHandler``.
///
/// ``GRPCServer`` drives a transport; `GRPCKitNGHTTP2` provides the HTTP/2 one.
public protocol ServerTransport: Sendable {
  /// Listens and serves until the transport is stopped or fails.
  ///
  /// - Parameters:
  ///   - router: The methods to serve; paths not in it get `UNIMPLEMENTED`.
  ///   - logger: The server's logger.
  /// - Throws: When the transport cannot listen.
  func listen(router: RPCRouter, logger: Logger) async throws

  /// Stops accepting new connections and calls, then returns from ``listen(router:logger:)``
  /// once open calls have finished.
  func beginGracefulShutdown()
}

/// Opens streams to a server.
public protocol ClientTransport: Sendable {
  /// Starts a call: sends the request headers and returns the request side.
  ///
  /// - Parameters:
  ///   - method: The method to call.
  ///   - options: The deadline and metadata for the call.
  ///   - responses: Where the transport delivers response headers, messages and the status.
  /// - Throws: ``RPCError`` (`UNAVAILABLE`) when no connection can be made.
  func openStream(
    method: ProtobufMethodDescriptor,
    options: CallOptions,
    responses: any InboundMessageSink
  ) async throws(RPCError) -> any ClientStreamOutbound
}
