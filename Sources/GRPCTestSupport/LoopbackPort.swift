import NIOCore
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
