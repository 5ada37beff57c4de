import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A configuration whose reconnect attempts come quickly, so that tests do not wait out gRPC's
/// one-second initial backoff.
func fastBackoffConfiguration() -> NGHTTP2ClientConfiguration {
  var configuration = NGHTTP2ClientConfiguration()
  configuration.backoff = ConnectionBackoff(initial: .milliseconds(50), maximum: .milliseconds(500), minimumConnectTimeout: .seconds(5))
  return configuration
}

/// An Echo client over a transport to `target`, closed after `body`.
func withEchoChannel<Result: Sendable>(
  _ target: String,
  configuration: NGHTTP2ClientConfiguration = fastBackoffConfiguration(),
  _ body: (Echo_Echo.Client) async throws -> Result
) async throws -> Result {
  let transport = try NGHTTP2ClientTransport(target: target, configuration: configuration)
  defer { transport.close() }
  return try await body(Echo_Echo.Client(wrapping: GRPCClient(transport: transport)))
}

/// Which servers `calls` Get calls landed on.
func servedBy(_ echo: Echo_Echo.Client, calls: Int) async throws -> Set<String> {
  var names: Set<String> = []
  for _ in 0..<calls {
    names.insert(try await echo.get(Echo_EchoRequest(), options: CallOptions(timeout: .seconds(10).slowed, waitForReady: true)).text)
  }
  return names
}

@Suite("Client channel: load balancing, reconnects, wait-for-ready")
struct ClientChannelTests {
  @Test("Calls over an ipv4: list land on every server, round-robin")
  func roundRobinOverAddressList() async throws {
    let first = try await RunningTestServer.start(services: [ServerNameEchoService(name: "a")])
    let second = try await RunningTestServer.start(services: [ServerNameEchoService(name: "b")])
    let names = try await withEchoChannel("ipv4:127.0.0.1:\(first.port),127.0.0.1:\(second.port)") { echo in
      // The first call starts both connections; round-robin uses the second once it is ready,
      // which on a loaded machine (a sanitizer run) can take longer than 20 quick calls.
      var names = try await servedBy(echo, calls: 1)
      let giveUp = ContinuousClock.now + .seconds(60).slowed
      while names.count < 2, ContinuousClock.now < giveUp {
        names.formUnion(try await servedBy(echo, calls: 20))
      }
      return names
    }
    await first.stop()
    await second.stop()
    #expect(names == ["a", "b"])
  }

  @Test(
    "A name resolves to all its addresses: localhost reaches servers on 127.0.0.1 and ::1",
    .enabled(if: LoopbackIPv6.isUsable, "::1 is not configured, or localhost does not resolve to it")
  )
  func nameResolvesToAllAddresses() async throws {
    var servers: (RunningTestServer, RunningTestServer)?
    for _ in 0..<10 where servers == nil {
      let v4 = try await RunningTestServer.start(services: [ServerNameEchoService(name: "v4")])
      do {
        servers = (v4, try await RunningTestServer.start(host: "::1", port: v4.port, services: [ServerNameEchoService(name: "v6")]))
      } catch {
        await v4.stop()  // the port was taken on ::1; try another
      }
    }
    let (v4, v6) = try #require(servers)
    let names = try await withEchoChannel("localhost:\(v4.port)") { echo in
      _ = try await servedBy(echo, calls: 1)
      return try await servedBy(echo, calls: 20)
    }
    await v4.stop()
    await v6.stop()
    #expect(names == ["v4", "v6"])
  }

  @Test("A dns: target is resolved with the system resolver", arguments: ["localhost", "dns:///localhost", "dns:localhost"])
  func dnsTargetResolves(name: String) async throws {
    let server = try await RunningTestServer.start(services: [ServerNameEchoService(name: "v4")])
    let names = try await withEchoChannel("\(name):\(server.port)") { echo in try await servedBy(echo, calls: 2) }
    await server.stop()
    #expect(names == ["v4"])
  }

  @Test("A name that does not resolve fails fast with UNAVAILABLE naming it")
  func unresolvableNameFails() async throws {
    let error = await #expect(throws: RPCError.self) {
      try await withEchoChannel("dns:///no-such-host.invalid:50051") { echo in
        try await echo.get(Echo_EchoRequest(), options: CallOptions(timeout: .seconds(30)))
      }
    }
    #expect(error?.code == .unavailable)
    #expect(error?.message.contains("could not resolve no-such-host.invalid") == true, "\(error?.message ?? "")")
  }

  @Test("A transport connects on the first call, not before")
  func connectsLazily() async throws {
    final class Counter: Sendable { let value = Atomic<Int>(0) }
    let accepted = Counter()
    let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .childChannelInitializer { channel in
        accepted.value.add(1, ordering: .relaxed)
        return channel.close()
      }
      .bind(host: "127.0.0.1", port: 0).get()
    defer { listener.close(promise: nil) }
    let port = try #require(listener.localAddress?.port)
    let transport = try NGHTTP2ClientTransport(target: "127.0.0.1:\(port)")
    defer { transport.close() }
    // Absence cannot be awaited: give an eager transport ample time to connect.
    try await Task.sleep(for: .milliseconds(300))
    #expect(accepted.value.load(ordering: .relaxed) == 0)
    let echo = Echo_Echo.Client(wrapping: GRPCClient(transport: transport))
    await #expect(throws: RPCError.self) { _ = try await echo.get(Echo_EchoRequest(), options: CallOptions(timeout: .seconds(5))) }
    #expect(accepted.value.load(ordering: .relaxed) >= 1)
  }

  @Test("With no server a call fails fast with UNAVAILABLE naming the address")
  func failsFastWithoutServer() async throws {
    let port = try await LoopbackPort.unused()
    let start = ContinuousClock.now
    let error = await #expect(throws: RPCError.self) {
      try await withEchoChannel("127.0.0.1:\(port)") { echo in
        try await echo.get(Echo_EchoRequest(), options: CallOptions(timeout: .seconds(30)))
      }
    }
    #expect(ContinuousClock.now - start < .seconds(10).slowed)
    #expect(error?.code == .unavailable)
    #expect(error?.message.hasPrefix("could not connect to 127.0.0.1:\(port)") == true, "\(error?.message ?? "")")
    #expect(error?.message.contains("Connection refused") == true, "\(error?.message ?? "")")
  }

  @Test("A wait-for-ready call started before the server exists succeeds once it listens")
  func waitForReadyWaitsForServer() async throws {
    let port = try await LoopbackPort.unused()
    try await withEchoChannel("127.0.0.1:\(port)") { echo in
      async let reply = echo.get(
        Echo_EchoRequest(text: "late"), options: CallOptions(timeout: .seconds(30), waitForReady: true))
      // Let the call find the port closed at least once before the server starts.
      try await Task.sleep(for: .milliseconds(300))
      let server = try await RunningTestServer.start(port: port)
      let text = try await reply.text
      await server.stop()
      #expect(text == "late")
    }
  }

  @Test("A wait-for-ready call ends with DEADLINE_EXCEEDED when no server starts in time")
  func waitForReadyTimesOut() async throws {
    let port = try await LoopbackPort.unused()
    let start = ContinuousClock.now
    let error = await #expect(throws: RPCError.self) {
      try await withEchoChannel("127.0.0.1:\(port)") { echo in
        try await echo.get(Echo_EchoRequest(), options: CallOptions(timeout: .milliseconds(800), waitForReady: true))
      }
    }
    #expect(error?.code == .deadlineExceeded)
    #expect(error?.message.contains("127.0.0.1:\(port)") == true, "\(error?.message ?? "")")
    #expect(ContinuousClock.now - start >= .milliseconds(700))
  }

  @Test("close() ends a call waiting for a connection with UNAVAILABLE")
  func closeEndsWaitingCall() async throws {
    let port = try await LoopbackPort.unused()
    let transport = try NGHTTP2ClientTransport(target: "127.0.0.1:\(port)", configuration: fastBackoffConfiguration())
    let echo = Echo_Echo.Client(wrapping: GRPCClient(transport: transport))
    let reply = Task {
      try await echo.get(Echo_EchoRequest(), options: CallOptions(timeout: .seconds(30), waitForReady: true))
    }
    try await Task.sleep(for: .milliseconds(200))
    transport.close()
    let error = await #expect(throws: RPCError.self) { _ = try await reply.value }
    #expect(error?.code == .unavailable)
  }

  @Test("A transport kept across a server restart reconnects: fails fast while down, works after")
  func reconnectsAfterRestart() async throws {
    let port = try await LoopbackPort.unused()
    try await withEchoChannel("127.0.0.1:\(port)") { echo in
      var server = try await RunningTestServer.start(port: port)
      #expect(try await echo.get(Echo_EchoRequest(text: "before")).text == "before")
      await server.stop()
      let down = await #expect(throws: RPCError.self) { _ = try await echo.get(Echo_EchoRequest(text: "down")) }
      #expect(down?.code == .unavailable)
      server = try await RunningTestServer.start(port: port)
      let after = try await echo.get(Echo_EchoRequest(text: "after"), options: CallOptions(timeout: .seconds(20), waitForReady: true))
      await server.stop()
      #expect(after.text == "after")
    }
  }

  @Test("After GOAWAY the open stream finishes on its server and new calls go to the other")
  func goAwayMovesNewCalls() async throws {
    // The open stream must outlive the drain's calls: a grace period no loaded machine reaches.
    let servers = [
      "a": try await RunningTestServer.start(
        services: [ServerNameEchoService(name: "a")], shutdownGracePeriod: .seconds(60)),
      "b": try await RunningTestServer.start(
        services: [ServerNameEchoService(name: "b")], shutdownGracePeriod: .seconds(60)),
    ]
    let target = "ipv4:127.0.0.1:\(servers["a"]!.port),127.0.0.1:\(servers["b"]!.port)"
    let (streamed, later) = try await withEchoChannel(target) { echo in
      _ = try await servedBy(echo, calls: 2)  // both addresses connected
      return try await echo.update(options: CallOptions(timeout: .seconds(30).slowed)) { writer, responses in
        var replies = responses.makeAsyncIterator()
        try await writer.write(Echo_EchoRequest(text: "one"))
        let first = try #require(try await replies.next()).text
        let draining = String(first.prefix(1))
        servers[draining]!.beginGracefulShutdown()
        // A call may leave before the GOAWAY arrives. The server sent it at once, so by the time
        // a call came back from the other server the client has read it: every later call must
        // go there.
        for _ in 0..<50 where try await servedBy(echo, calls: 1) == [draining] {}
        let later = try await servedBy(echo, calls: 10)
        try await writer.write(Echo_EchoRequest(text: "two"))
        let second = try #require(try await replies.next()).text
        writer.finish()
        #expect(try await replies.next() == nil)
        return ([first, second], later.map { "\($0) while \(draining) drains" })
      }
    }
    for server in servers.values { await server.stop() }
    let draining = String(streamed[0].prefix(1))
    let other = draining == "a" ? "b" : "a"
    #expect(streamed == ["\(draining):one", "\(draining):two"])
    #expect(later == ["\(other) while \(draining) drains"])
  }
}
