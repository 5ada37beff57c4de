/// What the transport's security layer established for a connection: the TLS application
/// protocol and, under mutual TLS, the client certificate it verified.
///
/// Servers see it as ``ServerContext/transportSecurity``; it is `nil` on cleartext connections.
///
/// ```swift
/// func handle(context: ServerContext) throws {
///   guard let client = context.transportSecurity?.peerCertificate else {
///     throw RPCError(code: .unauthenticated, message: "a client certificate is required")
///   }
///   print(client.subject)  // "CN=chat-bot,O=Example"
/// }
/// ```
public struct TransportSecurity: Sendable, Hashable {
  /// The application protocol both sides agreed on with ALPN; `h2` for gRPC.
  public var applicationProtocol: String
  /// The peer's certificate, verified against the configured certificate authorities; `nil`
  /// when the peer presented none (TLS without client certificates).
  public var peerCertificate: PeerCertificate?

  /// Creates a description of a connection's security.
  ///
  /// - Parameters:
  ///   - applicationProtocol: The protocol ALPN selected.
  ///   - peerCertificate: The verified peer certificate, if any.
  public init(applicationProtocol: String, peerCertificate: PeerCertificate? = nil) {
    self.applicationProtocol = applicationProtocol
    self.peerCertificate = peerCertificate
  }

  /// The identity in a verified peer certificate.
  public struct PeerCertificate: Sendable, Hashable {
    /// The subject distinguished name as an RFC 4514 string, most specific part first, for
    /// example `CN=chat-bot,OU=Bots,O=Example`.
    public var subject: String
    /// The subject alternative names, in certificate order.
    public var subjectAlternativeNames: [SubjectAlternativeName]

    /// Creates a peer certificate identity.
    ///
    /// - Parameters:
    ///   - subject: The subject distinguished name (RFC 4514).
    ///   - subjectAlternativeNames: The subject alternative names.
    public init(subject: String, subjectAlternativeNames: [SubjectAlternativeName] = []) {
      self.subject = subject
      self.subjectAlternativeNames = subjectAlternativeNames
    }
  }

  /// One subject alternative name of a certificate.
  public enum SubjectAlternativeName: Sendable, Hashable, CustomStringConvertible {
    /// A DNS name, for example `chat.example.com`.
    case dnsName(String)
    /// An IP address in text form, for example `10.0.0.7` or `2001:db8::1`.
    case ipAddress(String)
    /// A URI, for example a SPIFFE ID `spiffe://example.org/chat`.
    case uri(String)
    /// An email address (rfc822Name).
    case email(String)

    /// The name as OpenSSL prints it: `DNS:…`, `IP:…`, `URI:…`, `email:…`.
    public var description: String {
      switch self {
      case .dnsName(let name): return "DNS:\(name)"
      case .ipAddress(let address): return "IP:\(address)"
      case .uri(let uri): return "URI:\(uri)"
      case .email(let address): return "email:\(address)"
      }
    }
  }
}
