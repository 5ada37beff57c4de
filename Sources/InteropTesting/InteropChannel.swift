public import GRPCKitNGHTTP2

/// Where and how the interop client connects: the server's host and port and, with TLS, which
/// roots to trust and which name to check (`--server_host`, `--server_port`, `--use_tls`,
/// `--use_test_ca`, `--server_host_override`).
///
/// ```swift
/// let channel = InteropChannel(host: "127.0.0.1", port: 8080, tls: .testCA())
/// let transport = channel.makeTransport()
/// ```
public struct InteropChannel: Sendable, Hashable {
  /// The TLS settings of a channel.
  public struct TLS: Sendable, Hashable {
    /// CA certificates to trust (PEM); `nil` trusts the system's.
    public var trustRootsPath: String?
    /// The name the server's certificate must carry, instead of the host.
    public var serverHostOverride: String?

    /// Creates TLS settings.
    ///
    /// - Parameters:
    ///   - trustRootsPath: CA certificates to trust; `nil` for the system's.
    ///   - serverHostOverride: The name to check instead of the host.
    public init(trustRootsPath: String? = nil, serverHostOverride: String? = nil) {
      self.trustRootsPath = trustRootsPath
      self.serverHostOverride = serverHostOverride
    }

    /// Trusts the interop test CA (`--use_test_ca`) and checks `serverHostOverride`.
    ///
    /// - Parameter serverHostOverride: The name to check; `nil` checks the host.
    public static func testCA(serverHostOverride: String? = InteropCredentials.serverHostOverride) -> TLS {
      TLS(trustRootsPath: InteropCredentials.certificateAuthorityPath, serverHostOverride: serverHostOverride)
    }
  }

  /// The server's host name or IP address.
  public var host: String
  /// The server's port.
  public var port: Int
  /// TLS with ALPN `h2`, or `nil` for cleartext HTTP/2.
  public var tls: TLS?

  /// Creates a channel description.
  ///
  /// - Parameters:
  ///   - host: The server's host name or address.
  ///   - port: The server's port.
  ///   - tls: TLS settings, `nil` for cleartext.
  public init(host: String, port: Int, tls: TLS? = nil) {
    self.host = host
    self.port = port
    self.tls = tls
  }

  /// The server as the soak cases log it (`peer:`).
  public var peer: String { self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)" }

  /// A new transport to the server; nothing connects until its first call.
  public func makeTransport() -> NGHTTP2ClientTransport {
    var configuration = NGHTTP2ClientConfiguration()
    if let tls = self.tls {
      configuration.tls = ClientTLSConfiguration(
        trustRootsPath: tls.trustRootsPath, serverHostnameOverride: tls.serverHostOverride)
    }
    return NGHTTP2ClientTransport(host: self.host, port: self.port, configuration: configuration)
  }
}
