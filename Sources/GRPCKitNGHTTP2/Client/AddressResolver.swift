import GRPCKit
import NIOCore
import NIOPosix

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Resolves host names with the system resolver (`getaddrinfo`), which blocks: it runs on
/// threads of its own, never on an event loop or the cooperative pool, and does not compete with
/// blocking work elsewhere (Dispatch's global queue starved lookups under load, as could file I/O
/// on NIO's shared thread pool).
enum AddressResolver {
  private static let threads: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: 2)
    pool.start()
    return pool
  }()

  /// Every address of `host` (IPv4 and IPv6, in the resolver's order, without duplicates).
  ///
  /// - Throws: ``RPCError`` `UNAVAILABLE` naming the host and the resolver's error.
  static func resolve(host: String, port: Int) async throws(RPCError) -> [SocketAddress] {
    let outcome: Result<[SocketAddress], RPCError>
    do {
      outcome = try await Self.threads.runIfActive { Self.lookUp(host: host, port: port) }
    } catch {
      throw RPCError(code: .unavailable, message: "could not resolve \(host): \(error)")
    }
    return try outcome.get()
  }

  private static func lookUp(host: String, port: Int) -> Result<[SocketAddress], RPCError> {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    #if canImport(Darwin)
      hints.ai_socktype = SOCK_STREAM
    #else
      hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    #endif
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0, let first = list else {
      let reason = String(cString: gai_strerror(status))
      return .failure(RPCError(code: .unavailable, message: "could not resolve \(host): \(reason)"))
    }
    defer { freeaddrinfo(first) }
    var addresses: [SocketAddress] = []
    var next: UnsafeMutablePointer<addrinfo>? = first
    while let info = next {
      next = info.pointee.ai_next
      guard let raw = info.pointee.ai_addr else { continue }
      let address: SocketAddress
      switch info.pointee.ai_family {
      case AF_INET:
        address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee, host: host) }
      case AF_INET6:
        address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee, host: host) }
      default:
        continue
      }
      if !addresses.contains(address) { addresses.append(address) }
    }
    guard !addresses.isEmpty else {
      return .failure(RPCError(code: .unavailable, message: "could not resolve \(host): no IPv4 or IPv6 address"))
    }
    return .success(addresses)
  }
}
