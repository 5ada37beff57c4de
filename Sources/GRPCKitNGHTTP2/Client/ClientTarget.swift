public import GRPCKit

/// Where a client channel connects: a name to resolve, a list of addresses, or a Unix domain
/// socket. Written as gRPC names its targets.
///
/// | form | example |
/// | --- | --- |
/// | `HOST:PORT`, `[IPv6]:PORT` | `chat.example.com:443`, `[::1]:50051` |
/// | `dns:HOST:PORT`, `dns:///HOST:PORT` | `dns:///chat.internal:50051` |
/// | `ipv4:ADDR:PORT[,ADDR:PORT…]` | `ipv4:10.0.0.1:50051,10.0.0.2:50051` |
/// | `ipv6:[ADDR]:PORT[,…]` | `ipv6:[::1]:50051` |
/// | `unix:PATH`, `unix:///PATH` | `unix:/run/chat.sock` |
///
/// Names (`HOST:PORT` with a host that is not an IP address, and every `dns:` target) resolve
/// to all their addresses; calls are spread round-robin across them.
///
/// ```swift
/// let target = try ClientTarget(parsing: "dns:///chat.internal:50051")
/// let transport = try NGHTTP2ClientTransport(target: target.description)
/// ```
public struct ClientTarget: Sendable, Hashable, CustomStringConvertible {
  /// What a target names.
  public enum Endpoint: Sendable, Hashable {
    /// A host name (or an IP address) and port, resolved with DNS.
    case name(host: String, port: Int)
    /// Fixed IP addresses.
    case addresses([HostAndPort])
    /// A Unix domain socket.
    case unixDomainSocket(path: String)
  }

  /// An IP address (or host name) and a port.
  public struct HostAndPort: Sendable, Hashable, CustomStringConvertible {
    /// The host: an IPv4 or IPv6 address (without brackets) or a name.
    public var host: String
    /// The port, 1...65535.
    public var port: Int

    /// Creates an address.
    ///
    /// - Parameters:
    ///   - host: An IP address or a name.
    ///   - port: The port.
    public init(host: String, port: Int) {
      self.host = host
      self.port = port
    }

    /// `HOST:PORT`, or `[ADDR]:PORT` for an IPv6 address.
    public var description: String {
      self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
  }

  /// What the target names.
  public var endpoint: Endpoint

  /// Creates a target from its parts.
  ///
  /// - Parameter endpoint: What the target names.
  public init(_ endpoint: Endpoint) {
    self.endpoint = endpoint
  }

  /// The rule every target follows, as error messages state it.
  static let grammar =
    "HOST:PORT, [IPV6]:PORT, dns:[//AUTHORITY/]HOST:PORT, ipv4:ADDR:PORT[,ADDR:PORT...], "
    + "ipv6:[ADDR]:PORT[,[ADDR]:PORT...] or unix:PATH, with a port in 1...65535"

  /// Parses a target string (see the table above).
  ///
  /// - Parameter text: The target.
  /// - Throws: ``RPCError`` with code `INVALID_ARGUMENT` naming the rule the text breaks.
  public init(parsing text: String) throws(RPCError) {
    func failure(_ rule: String) -> RPCError {
      RPCError(code: .invalidArgument, message: "target \"\(text)\" \(rule)")
    }
    if let rest = text.dropPrefix("unix:") {
      // unix:///path (authority empty) and unix:/path are absolute; unix:path is relative.
      let path = rest.hasPrefix("//") ? String(rest.dropFirst(2)) : rest
      guard !path.isEmpty, !rest.hasPrefix("//") || rest.hasPrefix("///") else {
        throw failure("is not unix:PATH or unix:///ABSOLUTE-PATH")
      }
      guard path.utf8.count < 108 else {
        throw failure("has a socket path of \(path.utf8.count) bytes; limit 107")
      }
      self.endpoint = .unixDomainSocket(path: path)
    } else if let rest = text.dropPrefix("ipv4:") {
      let addresses = try Self.addressList(rest, family: "ipv4", failure: failure)
      for address in addresses where !IPAddressText.isIPv4(address.host) {
        throw failure("has \"\(address.host)\", which is not an IPv4 address (ipv4:ADDR:PORT[,ADDR:PORT...])")
      }
      self.endpoint = .addresses(addresses)
    } else if let rest = text.dropPrefix("ipv6:") {
      let addresses = try Self.addressList(rest, family: "ipv6", failure: failure)
      for address in addresses where !IPAddressText.isIPv6(address.host) {
        throw failure("has \"\(address.host)\", which is not an IPv6 address (ipv6:[ADDR]:PORT[,[ADDR]:PORT...])")
      }
      self.endpoint = .addresses(addresses)
    } else if let rest = text.dropPrefix("dns:") {
      var name = Substring(rest)
      if name.hasPrefix("//") {
        // dns://AUTHORITY/HOST:PORT; a DNS server authority is not supported, only the empty one.
        let afterSlashes = name.dropFirst(2)
        guard let slash = afterSlashes.firstIndex(of: "/") else {
          throw failure("is not dns:///HOST:PORT (the name must follow a third slash)")
        }
        guard afterSlashes[..<slash].isEmpty else {
          throw failure("names a DNS server (\(afterSlashes[..<slash])); only the system resolver is supported: dns:///HOST:PORT")
        }
        name = afterSlashes[afterSlashes.index(after: slash)...]
      }
      guard let address = Self.hostAndPort(name) else {
        throw failure("is not dns:[//AUTHORITY/]HOST:PORT with a port in 1...65535")
      }
      self.endpoint = .name(host: address.host, port: address.port)
    } else {
      guard let address = Self.hostAndPort(Substring(text)) else {
        throw failure("is not \(Self.grammar)")
      }
      if IPAddressText.isIPv4(address.host) || IPAddressText.isIPv6(address.host) {
        self.endpoint = .addresses([address])
      } else {
        self.endpoint = .name(host: address.host, port: address.port)
      }
    }
  }

  /// The `:authority` of requests: `HOST:PORT` of the first address or the name, `localhost`
  /// for a Unix domain socket.
  public var authority: String {
    switch self.endpoint {
    case .name(let host, let port): return HostAndPort(host: host, port: port).description
    case .addresses(let addresses): return addresses.first?.description ?? "localhost"
    case .unixDomainSocket: return "localhost"
    }
  }

  /// The target in its canonical form: `dns:///HOST:PORT`, `ipv4:…`/`ipv6:…` (or `HOST:PORT`
  /// for one address), `unix:PATH`.
  public var description: String {
    switch self.endpoint {
    case .name(let host, let port):
      return "dns:///\(HostAndPort(host: host, port: port))"
    case .addresses(let addresses) where addresses.count == 1:
      return addresses[0].description
    case .addresses(let addresses):
      let family = addresses.allSatisfy { IPAddressText.isIPv4($0.host) } ? "ipv4" : "ipv6"
      return "\(family):" + addresses.map(\.description).joined(separator: ",")
    case .unixDomainSocket(let path):
      return "unix:\(path)"
    }
  }

  /// The host name TLS verifies and sends as SNI: the name of a `dns:` target, nil otherwise.
  var serverHostname: String? {
    if case .name(let host, _) = self.endpoint, !IPAddressText.isIPv4(host), !IPAddressText.isIPv6(host) {
      return host
    }
    return nil
  }

  private static func addressList(
    _ text: String,
    family: String,
    failure: (String) -> RPCError
  ) throws(RPCError) -> [HostAndPort] {
    var addresses: [HostAndPort] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let address = Self.hostAndPort(part) else {
        throw failure("has \"\(part)\", which is not ADDR:PORT with a port in 1...65535 (\(family):ADDR:PORT[,...])")
      }
      addresses.append(address)
    }
    return addresses
  }

  /// `HOST:PORT` or `[IPV6]:PORT`; the port in 1...65535.
  private static func hostAndPort(_ text: Substring) -> HostAndPort? {
    guard let colon = text.lastIndex(of: ":") else { return nil }
    var host = text[..<colon]
    if host.hasPrefix("[") {
      guard host.hasSuffix("]") else { return nil }
      host = host.dropFirst().dropLast()
    } else if host.contains(":") {
      return nil  // an IPv6 address needs brackets
    }
    guard !host.isEmpty, !host.contains("/"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
    else { return nil }
    return HostAndPort(host: String(host), port: port)
  }
}

extension String {
  fileprivate func dropPrefix(_ prefix: String) -> String? {
    self.hasPrefix(prefix) ? String(self.dropFirst(prefix.count)) : nil
  }
}
