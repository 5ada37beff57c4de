import Logging
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Adds TLS to connection pipelines, in front of the HTTP/2 connection handlers.
///
/// The transports call these for every connection; without TLS configured they add nothing.
/// The TLS handler comes first, then a ``TLSHandshakeHandler`` that holds HTTP/2 bytes back until
/// ALPN agreed on `h2`.
enum TLSPipeline {
  /// Adds the client side of TLS for a connection to `serverHostname`.
  ///
  /// The certificate files are read on NIO's blocking-I/O thread pool for every new connection
  /// (so rotated client certificates are picked up); the TLS handler joins the pipeline once
  /// they are loaded, and until then nothing is written. A load failure closes the connection
  /// with an error that names the file.
  ///
  /// - Parameters:
  ///   - pipeline: The new channel's pipeline.
  ///   - configuration: The transport's configuration; nothing is added when `tls` is `nil`.
  ///   - serverHostname: The name the server's certificate must carry and the SNI sent; an IP
  ///     address or `nil` sends no SNI and checks the certificate's IP addresses against the
  ///     connected address. ``ClientTLSConfiguration/serverHostnameOverride`` replaces it.
  /// - Throws: ``TLSConfigurationError`` when the configuration is inconsistent.
  static func addClientHandlers(
    to pipeline: ChannelPipeline.SynchronousOperations,
    configuration: NGHTTP2ClientConfiguration,
    serverHostname: String?
  ) throws {
    guard let tls = configuration.tls else { return }
    try tls.validate()
    let handshake = TLSHandshakeHandler(role: .client, timeout: configuration.connectTimeout)
    try pipeline.addHandler(handshake)
    let channel = try pipeline.context(handler: handshake).channel
    let name = Self.sniName(tls.serverHostnameOverride ?? serverHostname)
    NIOThreadPool.singleton.runIfActive(eventLoop: pipeline.eventLoop) {
      try tls.makeContext()
    }.whenComplete { result in
      do {
        let context = try result.get()
        let handler = try NIOSSLClientHandler(context: context, serverHostname: name)
        try channel.pipeline.syncOperations.addHandler(handler, position: .first)
      } catch {
        let message = (error as? TLSConfigurationError)?.message ?? TLSErrorText.describe(error)
        channel.pipeline.fireErrorCaught(TLSHandshakeError("could not set up TLS: \(message)"))
        channel.close(promise: nil)
      }
    }
  }

  /// Adds the server side of TLS, with the store's current certificate.
  ///
  /// - Parameters:
  ///   - pipeline: The accepted channel's pipeline.
  ///   - contexts: The server's TLS contexts; nothing is added when it is `nil`.
  ///   - logger: Where refused handshakes are logged (info).
  /// - Throws: When the store has no context (``ServerTLSContextStore/load(logger:)`` failed).
  static func addServerHandlers(
    to pipeline: ChannelPipeline.SynchronousOperations,
    contexts: ServerTLSContextStore?,
    logger: Logger
  ) throws {
    guard let contexts else { return }
    guard let context = contexts.current else {
      throw TLSConfigurationError("TLS certificate \(contexts.configuration.certificateChainPath) is not loaded")
    }
    try pipeline.addHandler(NIOSSLServerHandler(context: context))
    try pipeline.addHandler(
      TLSHandshakeHandler(role: .server(logger), timeout: contexts.configuration.handshakeTimeout))
  }

  /// The SNI name: DNS names only (RFC 6066 section 3 forbids addresses).
  static func sniName(_ host: String?) -> String? {
    guard var host, !host.isEmpty else { return nil }
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    var v4 = in_addr()
    var v6 = in6_addr()
    let isAddress = host.withCString { inet_pton(AF_INET, $0, &v4) == 1 || inet_pton(AF_INET6, $0, &v6) == 1 }
    return isAddress ? nil : host
  }
}
