import GRPCKitNGHTTP2

/// How ``ChatClient`` describes a parsed target.
enum ChatTarget {
  /// The host and port a target names first: the name, the first address, or the socket path
  /// with port 0.
  static func hostAndPort(of target: ClientTarget) -> (host: String, port: Int) {
    switch target.endpoint {
    case .name(let host, let port): return (host, port)
    case .addresses(let addresses): return (addresses.first?.host ?? "", addresses.first?.port ?? 0)
    case .unixDomainSocket(let path): return (path, 0)
    }
  }
}
