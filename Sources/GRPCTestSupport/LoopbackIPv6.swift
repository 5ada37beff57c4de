import NIOCore
import GRPCKit
import NIOPosix
#if canImport(Glibc)
  import Glibc
#endif

/// Whether `::1` can be bound and `localhost` resolves to it (some containers have no IPv6).
public enum LoopbackIPv6 {
  /// True when a server can listen on `[::1]` and `localhost` names it.
  public static let isUsable: Bool = {
    guard let channel = try? ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .bind(host: "::1", port: 0).wait()
    else { return false }
    try? channel.close().wait()
    var hints = addrinfo()
    hints.ai_family = AF_INET6
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo("localhost", "1", &hints, &list) == 0, let list else { return false }
    freeaddrinfo(list)
    return true
  }()
}
