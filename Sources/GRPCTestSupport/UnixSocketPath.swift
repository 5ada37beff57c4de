import NIOCore
import GRPCKit
import NIOPosix
#if canImport(Glibc)
  import Glibc
#endif

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
