import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

/// An Echo client over `target` whose service config asks for `policy`.
func withLoadBalancedChannel<Result: Sendable>(
  _ target: String,
  policy: String,
  _ body: (Echo_Echo.Client) async throws -> Result
) async throws -> Result {
  let transport = try NGHTTP2ClientTransport(
    target: target,
    configuration: fastBackoffConfiguration()
  )
  defer { transport.close() }
  let client = try GRPCClient(
    transport: transport,
    serviceConfigJSON: #"{"loadBalancingConfig": [{"\#(policy)": {}}]}"#
  )
  return try await body(Echo_Echo.Client(wrapping: client))
}

@Suite("pick_first load balancing over loopback")
struct PickFirstTests {
  @Test("pick_first from the service config sends every call to the first address")
  func firstAddressTakesEveryCall() async throws {
    let first = try await RunningTestServer.start(services: [ServerNameEchoService(name: "a")])
    let second = try await RunningTestServer.start(services: [ServerNameEchoService(name: "b")])
    let target = "ipv4:127.0.0.1:\(first.port),127.0.0.1:\(second.port)"
    let names = try await withLoadBalancedChannel(target, policy: "pick_first") { echo in
      try await servedBy(echo, calls: 20)
    }
    let roundRobin = try await withLoadBalancedChannel(target, policy: "round_robin") { echo in
      _ = try await servedBy(echo, calls: 1)
      return try await servedBy(echo, calls: 20)
    }
    await first.stop()
    await second.stop()
    #expect(names == ["a"])
    #expect(roundRobin == ["a", "b"])
  }

  @Test("pick_first from the transport configuration behaves the same")
  func fromTransportConfiguration() async throws {
    let first = try await RunningTestServer.start(services: [ServerNameEchoService(name: "a")])
    let second = try await RunningTestServer.start(services: [ServerNameEchoService(name: "b")])
    var configuration = fastBackoffConfiguration()
    configuration.loadBalancing = .pickFirst
    let names = try await withEchoChannel(
      "ipv4:127.0.0.1:\(first.port),127.0.0.1:\(second.port)",
      configuration: configuration
    ) { echo in
      try await servedBy(echo, calls: 20)
    }
    await first.stop()
    await second.stop()
    #expect(names == ["a"])
  }

  @Test("pick_first moves on to the next address when the first refuses connections")
  func skipsDeadAddress() async throws {
    let unused = try await LoopbackPort.unused()
    let second = try await RunningTestServer.start(services: [ServerNameEchoService(name: "b")])
    let names = try await withLoadBalancedChannel(
      "ipv4:127.0.0.1:\(unused),127.0.0.1:\(second.port)",
      policy: "pick_first"
    ) {
      echo in
      try await servedBy(echo, calls: 5)
    }
    await second.stop()
    #expect(names == ["b"])
  }

  @Test("pick_first moves on when the server it uses goes away")
  func movesOnAfterLoss() async throws {
    let first = try await RunningTestServer.start(services: [ServerNameEchoService(name: "a")])
    let second = try await RunningTestServer.start(services: [ServerNameEchoService(name: "b")])
    let (before, after) = try await withLoadBalancedChannel(
      "ipv4:127.0.0.1:\(first.port),127.0.0.1:\(second.port)",
      policy: "pick_first"
    ) { echo in
      let before = try await servedBy(echo, calls: 3)
      await first.stop()
      return (before, try await servedBy(echo, calls: 3))
    }
    await second.stop()
    #expect(before == ["a"])
    #expect(after == ["b"])
  }
}
