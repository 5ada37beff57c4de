/// TLS for the client transport: which CAs to trust, an optional client certificate for mutual
/// TLS, and ALPN `h2`.
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
  /// The client certificate's private key (PEM).
  public var privateKeyPath: String?
  /// The name the server's certificate must carry; `nil` uses the target's host.
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
