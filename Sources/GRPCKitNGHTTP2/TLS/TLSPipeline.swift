import NIOCore

/// Adds TLS to connection pipelines, in front of the HTTP/2 connection handlers.
///
/// The transports call these for every connection; without TLS configured they add nothing.
enum TLSPipeline {
  /// Adds the client side of TLS for a connection to `serverHostname`.
  ///
  /// - Throws: When the certificate files cannot be loaded.
  static func addClientHandlers(
    to pipeline: ChannelPipeline.SynchronousOperations,
    configuration: NGHTTP2ClientConfiguration,
    serverHostname: String?
  ) throws {
    guard configuration.tls != nil else { return }
    // TODO(issue 6, TLS work): NIOSSL client handler and the ALPN h2 check.
  }
}
