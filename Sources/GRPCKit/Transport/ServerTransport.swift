public import Logging

/// Accepts connections and hands every incoming RPC to a ``ServerStreamHandler``.
///
/// The transport owns the wire: it accepts connections, applies the protocol's own checks to
/// each new stream (for HTTP/2: the method, the content type, `grpc-encoding`, `grpc-timeout`,
/// limits), answers the streams that fail them itself, and passes the others to the stream
/// handler, which routes them (``GRPCServer`` is the handler). The handler answers with the call
/// to feed or with the error to end the stream with.
///
/// ```swift
/// func listen(streamHandler: any ServerStreamHandler, logger: Logger) async throws {
///   // for each accepted stream that passed the transport's checks:
///   do {
///     let call = try streamHandler.handle(stream)
///     // feed call.requests, run call.run in a task, cancel it if the stream ends early
///   } catch {
///     // send `error` as a trailers-only response
///   }
/// }
/// ```
///
/// `GRPCKitNGHTTP2` provides the HTTP/2 transport.
public protocol ServerTransport: Sendable {
  /// Listens and serves until the transport is stopped or fails.
  ///
  /// - Parameters:
  ///   - streamHandler: Receives every stream that passed the transport's checks; its errors
  ///     (`UNIMPLEMENTED` for a path nobody serves) end the stream.
  ///   - logger: The server's logger.
  /// - Throws: When the transport cannot listen.
  func listen(streamHandler: any ServerStreamHandler, logger: Logger) async throws

  /// Stops accepting new connections and calls, then returns from
  /// ``listen(streamHandler:logger:)`` once open calls have finished.
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

  /// Closes the transport's connections: open calls fail with `UNAVAILABLE`, and so do later
  /// ones. ``GRPCClient/beginGracefulShutdown()`` calls it once its open calls have ended. The
  /// default does nothing.
  func close()

  /// Chooses how calls are spread over the target's addresses: the first policy of
  /// `policies` the transport supports (a service config's `loadBalancingConfig`). The default
  /// ignores it.
  ///
  /// - Parameter policies: Policies in order of preference.
  func useLoadBalancingPolicies(_ policies: [ServiceConfig.LoadBalancingPolicy])
}

extension ClientTransport {
  public func close() {}

  public func useLoadBalancingPolicies(_ policies: [ServiceConfig.LoadBalancingPolicy]) {}
}
