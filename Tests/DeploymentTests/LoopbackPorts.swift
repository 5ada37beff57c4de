#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free TCP ports on 127.0.0.1 for programs that cannot take port 0 and report the port back
/// (nginx): the kernel picks them, they are released, and the program binds them right after.
enum LoopbackPorts {
  /// `count` distinct free ports.
  ///
  /// - Throws: ``DeploymentTestError`` when a socket call fails.
  static func free(_ count: Int) throws(DeploymentTestError) -> [Int] {
    var sockets: [Int32] = []
    defer { for socket in sockets { close(socket) } }
    var ports: [Int] = []
    for _ in 0 ..< count {
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      guard fd >= 0 else { throw DeploymentTestError("socket() failed: errno \(errno)") }
      sockets.append(fd)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = 0
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      var length = socklen_t(MemoryLayout<sockaddr_in>.size)
      let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
          bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
        }
      }
      guard bound else { throw DeploymentTestError("bind() to 127.0.0.1:0 failed: errno \(errno)") }
      ports.append(Int(UInt16(bigEndian: address.sin_port)))
    }
    return ports
  }
}
