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
      let earlyGrace = registry.add(early, eventLoop: loop, limit: nil)
      registry.beginGracefulShutdown(gracePeriod: .seconds(7))
      let late = Self.makeHandler(registry)
      let lateGrace = registry.add(late, eventLoop: loop, limit: nil)
      registry.remove(early)
      registry.remove(late)
      return (earlyGrace, lateGrace)
    }.get()
    #expect(early == .admitted)
    #expect(late == .draining(gracePeriod: .seconds(7)))
  }

  @Test("A connection beyond the limit is refused and not registered; a closed one frees its slot")
  func limitRefusesAndFrees() async throws {
    let registry = ServerConnectionRegistry()
    let loop = MultiThreadedEventLoopGroup.singleton.next()
    let (first, second, afterClose, count) = try await loop.submit {
      let a = Self.makeHandler(registry)
      let b = Self.makeHandler(registry)
      let first = registry.add(a, eventLoop: loop, limit: 1)
      let second = registry.add(b, eventLoop: loop, limit: 1)
      let count = registry.count
      registry.remove(a)
      let afterClose = registry.add(b, eventLoop: loop, limit: 1)
      registry.remove(b)
      return (first, second, afterClose, count)
    }.get()
    #expect(first == .admitted)
    #expect(second == .refused(limit: 1))
    #expect(count == 1)
    #expect(afterClose == .admitted)
  }
}

/// A stream handler that serves no method.
private struct NoMethods: ServerStreamHandler {
  func handle(_ stream: ServerStream) throws(RPCError) -> ServerCall {
    throw RPCError(code: .unimplemented, message: "no methods")
  }
}
