public import GRPCKit

extension NGHTTP2ServerConfiguration {
  /// How the server compresses response messages. A handler can override it per call with
  /// `ServerContext.responseCompression` and per message with `ResponseWriter.write(_:compress:)`.
  /// Responses are compressed only with an algorithm the client lists in `grpc-accept-encoding`
  /// and the server has in ``NGHTTP2ServerConfiguration/enabledCompression``.
  public enum ResponseCompression: Sendable, Hashable {
    /// Responses are not compressed unless a handler asks for it.
    case disabled
    /// Responses use the request's encoding when the client accepts it, as grpc-go does: a
    /// client that sends gzip gets gzip back. The default.
    case matchRequest
    /// Responses use this algorithm whenever the client accepts it.
    case always(CompressionAlgorithm)
  }
}
