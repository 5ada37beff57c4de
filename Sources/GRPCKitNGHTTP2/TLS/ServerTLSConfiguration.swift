/// TLS for the server transport: a certificate chain and key from PEM files, ALPN `h2`, and
/// optional mutual TLS.
///
/// ```swift
/// var configuration = NGHTTP2ServerConfiguration()
/// configuration.tls = ServerTLSConfiguration(
///   certificateChainPath: "/etc/chat/tls.crt", privateKeyPath: "/etc/chat/tls.key")
/// ```
public struct ServerTLSConfiguration: Sendable, Hashable {
  /// The server's certificate chain (PEM), leaf first.
  public var certificateChainPath: String
  /// The server's private key (PEM).
  public var privateKeyPath: String
  /// CA certificates (PEM) that client certificates must chain to. Setting it turns on mutual
  /// TLS: a client without a valid certificate is refused during the handshake.
  public var clientCertificateAuthorityPath: String?

  /// Creates a configuration.
  ///
  /// - Parameters:
  ///   - certificateChainPath: The certificate chain, PEM.
  ///   - privateKeyPath: The private key, PEM.
  ///   - clientCertificateAuthorityPath: CA certificates for mutual TLS, PEM; `nil` for none.
  public init(certificateChainPath: String, privateKeyPath: String, clientCertificateAuthorityPath: String? = nil) {
    self.certificateChainPath = certificateChainPath
    self.privateKeyPath = privateKeyPath
    self.clientCertificateAuthorityPath = clientCertificateAuthorityPath
  }
}
