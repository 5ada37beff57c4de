/// TLS for the server transport: a certificate chain and key from PEM files, ALPN `h2`, and
/// optional mutual TLS.
///
/// The server speaks TLS 1.2 or 1.3 and accepts only clients that negotiate `h2` with ALPN; it
/// closes other connections right after the handshake and logs why. The files are read when the
/// server starts listening, again on ``NGHTTP2ServerTransport/reloadTLSCertificates()``, and
/// every ``reloadInterval`` when their contents changed: new connections get the new
/// certificate, open connections keep theirs. A reload that fails keeps the current certificate
/// and logs the error.
///
/// ```swift
/// var configuration = NGHTTP2ServerConfiguration()
/// configuration.tls = ServerTLSConfiguration(
///   certificateChainPath: "/etc/chat/tls.crt", privateKeyPath: "/etc/chat/tls.key")
/// ```
public struct ServerTLSConfiguration: Sendable, Hashable {
  /// The server's certificate chain (PEM), leaf first.
  public var certificateChainPath: String
  /// The server's private key (PEM, unencrypted).
  public var privateKeyPath: String
  /// CA certificates (PEM) that client certificates must chain to. Setting it turns on mutual
  /// TLS: a client without a valid certificate is refused during the handshake, and handlers
  /// see the verified certificate in `ServerContext.transportSecurity`.
  public var clientCertificateAuthorityPath: String?
  /// How often the files are checked for new contents (default 60 seconds; `nil` turns the
  /// check off). Kubernetes updates mounted Secrets in place without signalling the process,
  /// and the kubelet itself takes up to a minute or so to propagate a change, so checking more
  /// often gains little. Each check reads the (small) files and compares their bytes.
  public var reloadInterval: Duration? = .seconds(60)
  /// How long a client may take to complete the TLS handshake before the connection is closed
  /// (default 120 seconds, grpc-go's `ConnectionTimeout`).
  public var handshakeTimeout: Duration = .seconds(120)

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
