/// TLS for the client transport: which CAs to trust, an optional client certificate for mutual
/// TLS, and ALPN `h2`.
///
/// The client speaks TLS 1.2 or 1.3, offers only `h2` with ALPN and closes the connection when
/// the server does not select it. The server's certificate must chain to the trust roots and
/// name the target: a DNS target's host name (also sent as SNI), or for an IP address target
/// that address among the certificate's IP subject alternative names. Handshake failures end
/// calls with `UNAVAILABLE` whose message carries the TLS error. The files are read for every new
/// connection, off the event loop, so a rotated client certificate is used from the next
/// connection on.
///
/// ```swift
/// var configuration = NGHTTP2ClientConfiguration()
/// configuration.tls = ClientTLSConfiguration(trustRootsPath: "ca.pem")
/// ```
public struct ClientTLSConfiguration: Sendable, Hashable {
  /// CA certificates (PEM) the server's certificate must chain to; `nil` trusts the system's.
  public var trustRootsPath: String?
  /// The client certificate chain (PEM), for servers that require mutual TLS.
  public var certificateChainPath: String?
  /// The client certificate's private key (PEM, unencrypted).
  public var privateKeyPath: String?
  /// The DNS name the server's certificate must carry, sent as SNI; `nil` uses the target's
  /// host. An IP address here checks the connected address instead.
  public var serverHostnameOverride: String?

  /// Creates a configuration.
  ///
  /// - Parameters:
  ///   - trustRootsPath: CA certificates, PEM; `nil` for the system's trust store.
  ///   - certificateChainPath: A client certificate chain, PEM, for mutual TLS.
  ///   - privateKeyPath: The client certificate's key, PEM.
  ///   - serverHostnameOverride: The name to verify instead of the target's host.
  public init(
    trustRootsPath: String? = nil,
    certificateChainPath: String? = nil,
    privateKeyPath: String? = nil,
    serverHostnameOverride: String? = nil
  ) {
    self.trustRootsPath = trustRootsPath
    self.certificateChainPath = certificateChainPath
    self.privateKeyPath = privateKeyPath
    self.serverHostnameOverride = serverHostnameOverride
  }
}
