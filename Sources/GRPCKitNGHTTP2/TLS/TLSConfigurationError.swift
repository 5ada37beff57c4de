/// A TLS certificate, key or trust-root file that cannot be used, with the file and the problem.
///
/// ``NGHTTP2ServerTransport`` throws it from `listen` and from
/// ``NGHTTP2ServerTransport/reloadTLSCertificates()``; client calls that cannot load their files
/// fail with `UNAVAILABLE` whose message is this error's.
public struct TLSConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Which file (or setting) is at fault, so that a command can name its flag without reading
  /// the message.
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    private enum Wrapped: Hashable {
      case certificateChain, privateKey, certificateAuthority, configuration
    }
    private let wrapped: Wrapped

    /// The certificate chain file (a server's certificate, or a client's for mutual TLS).
    public static let certificateChain = Code(wrapped: .certificateChain)
    /// The private key file, also when it does not match the certificate or is missing.
    public static let privateKey = Code(wrapped: .privateKey)
    /// The CA certificates file: a server's client CA, or a client's trust roots.
    public static let certificateAuthority = Code(wrapped: .certificateAuthority)
    /// Not one file: TLS settings, or a TLS library failure.
    public static let configuration = Code(wrapped: .configuration)

    public var description: String {
      switch self.wrapped {
      case .certificateChain: return "certificate chain"
      case .privateKey: return "private key"
      case .certificateAuthority: return "certificate authority"
      case .configuration: return "configuration"
      }
    }
  }

  /// Which file (or setting) is at fault.
  public var code: Code
  /// What is wrong, naming the file: `TLS private key /etc/tls/tls.key: no PEM private key in the file`.
  public var message: String

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - code: Which file (or setting) is at fault.
  ///   - message: What is wrong, naming the file.
  public init(code: Code = .configuration, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { self.message }
}
