/// A server address written `HOST:PORT`, or `[IPv6]:PORT`.
struct ChatTarget: Hashable, CustomStringConvertible {
  var host: String
  var port: Int

  init(host: String, port: Int) {
    self.host = host
    self.port = port
  }

  /// Parses `HOST:PORT`; the port must be a number in 1...65535.
  init(parsing target: String) throws(RPCError) {
    let rule = "target \"\(target)\" is not HOST:PORT with a port in 1...65535"
    guard let colon = target.lastIndex(of: ":") else {
      throw RPCError(code: .invalidArgument, message: rule)
    }
    var host = String(target[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty, let port = Int(target[target.index(after: colon)...]),
      (1 ... 65535).contains(port)
    else {
      throw RPCError(code: .invalidArgument, message: rule)
    }
    self.host = host
    self.port = port
  }

  var description: String {
    self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
  }
}
