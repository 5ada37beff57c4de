import GRPCKit
import Logging
import NIOPosix
import Testing

@testable import GRPCKitNGHTTP2

@Suite("Server connection registry")
struct ServerConnectionRegistryTests {
  static func makeHandler(_ registry: ServerConnectionRegistry) -> ServerConnectionHandler {
    ServerConnectionHandler(
      streamHandler: NoMethods(),
      configuration: NGHTTP2ServerConfiguration(),
      logger: Logger(label: "test"),
      connections: registry
    )
  }

  @Test("A connection registered after shutdown began is told to drain with the grace period")
  func lateConnectionDrains() async throws {
    let registry = ServerConnectionRegistry()
    let loop = MultiThreadedEventLoopGroup.singleton.next()
    let (early, late) = try await loop.submit {
      let early = Self.makeHandler(registry)
      let earlyGrace = registry.add(early, eventLoop: loop)
      registry.beginGracefulShutdown(gracePeriod: .seconds(7))
      let late = Self.makeHandler(registry)
      let lateGrace = registry.add(late, eventLoop: loop)
      registry.remove(early)
      registry.remove(late)
      return (earlyGrace, lateGrace)
    }.get()
    #expect(early == nil)
    #expect(late == .seconds(7))
  }
}

/// A stream handler that serves no method.
private struct NoMethods: ServerStreamHandler {
  func handle(_ stream: ServerStream) throws(RPCError) -> ServerCall {
    throw RPCError(code: .unimplemented, message: "no methods")
  }
}
