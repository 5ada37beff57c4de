public import NIOCore
import GRPCKit
#if canImport(Glibc)
  import Glibc
#endif
import NIOPosix

/// Ports for tests that start servers themselves.
public enum LoopbackPort {
  /// A loopback port below Linux's ephemeral range (32768-60999), where neither `bind` to port
  /// 0 nor outgoing connections land, that nothing listens on right now: a server can start,
  /// stop and start again on it while other tests run.
  ///
  /// - Throws: When no free port was found in 20 tries.
  public static func unused() async throws -> Int {
    var lastError: (any Error)?
    for _ in 0..<20 {
      let port = Int.random(in: 20_000..<32_000)
      do {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
          .bind(host: "127.0.0.1", port: port).get()
        try await channel.close()
        return port
      } catch {
        lastError = error
      }
    }
    throw lastError ?? ChannelError.inappropriateOperationForState
  }
}

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

/// Paths for Unix domain sockets in tests.
public enum UnixSocketPath {
  /// A fresh path in the temporary directory, short enough for `sun_path`.
  public static func make() -> String {
    "/tmp/grpc-test-\(UInt32.random(in: 0...UInt32.max)).sock"
  }
}

extension UnixSocketPath {
  /// Leaves a socket file at `path` that nothing listens on, as a crashed server would.
  ///
  /// - Throws: `RPCError` when the socket cannot be bound.
  public static func leaveStaleSocket(at path: String) throws {
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw RPCError(code: .internal, message: "socket() failed: errno \(errno)") }
    defer { close(descriptor) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: path.utf8.prefix(raw.count - 1))
    }
    let status = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard status == 0 else { throw RPCError(code: .internal, message: "bind(\(path)) failed: errno \(errno)") }
  }
}
