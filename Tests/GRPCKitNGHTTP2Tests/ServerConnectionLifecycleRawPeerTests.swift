import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

/// Connection lifecycle seen by a raw HTTP/2 client (`h2_connection_probe.py`): the frames on
/// the wire, without our client's interpretation.
@Suite("Server connection lifecycle on the wire")
struct ServerConnectionLifecycleRawPeerTests {
  @Test("Graceful shutdown sends GOAWAY 2^31-1, then a PING, then the final GOAWAY, then closes")
  func twoPhaseGoAway() async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.shutdownGracePeriod = .seconds(10)
    try await withControlledTestServer(configuration: configuration) { server in
      try await withExternalProcess(try ConnectionLifecycleProbe.start(port: server.port)) {
        probe in
        try await ConnectionLifecycleProbe.waitUntilReady(probe)
        server.server.beginGracefulShutdown()
        let events = try await ConnectionLifecycleProbe.events(probe)
        let frames = events.filter { $0.name == "goaway" || $0.name == "ping" }
        #expect(frames.map(\.name) == ["goaway", "ping", "goaway"], "\(events)")
        #expect(frames.first?.lastStreamID == 2_147_483_647)
        #expect(frames.first?.errorCode == 0)
        #expect(frames.dropFirst().first?.ack == false)
        #expect(frames.last?.lastStreamID == 0)
        #expect(frames.last?.errorCode == 0)
        #expect(events.last?.name == "closed", "\(events)")
      }
    }
  }

  @Test(
    "An open stream is named by the final GOAWAY and ends with UNAVAILABLE after the grace period"
  )
  func openStreamDrainsThenUnavailable() async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.shutdownGracePeriod = .milliseconds(500)
    try await withControlledTestServer(configuration: configuration) { server in
      let arguments = [
        "--open-stream", "/echo.Echo/Update", "--body-hex", ConnectionLifecycleProbe.echoRequestHi,
      ]
      try await withExternalProcess(
        try ConnectionLifecycleProbe.start(port: server.port, arguments: arguments)
      ) {
        probe in
        try await ConnectionLifecycleProbe.waitUntilReady(probe)
        _ = try await probe.waitForJSONObject { $0["event"] as? String == "data" }
        server.server.beginGracefulShutdown()
        let events = try await ConnectionLifecycleProbe.events(probe)
        let goAways = events.filter { $0.name == "goaway" }
        #expect(goAways.map(\.lastStreamID) == [2_147_483_647, 1], "\(events)")
        let trailers = events.last { $0.name == "headers" && $0.endStream }
        #expect(trailers?.headers["grpc-status"] == "14", "\(events)")
        #expect(trailers?.headers["grpc-message"] == "the server is shutting down")
        #expect(events.last?.name == "closed", "\(events)")
      }
    }
  }

  @Test("A client that pings rapidly without calls gets GOAWAY ENHANCE_YOUR_CALM too_many_pings")
  func pingAbuseRejected() async throws {
    try await withControlledTestServer(configuration: NGHTTP2ServerConfiguration()) { server in
      let arguments = ["--ping-count", "20", "--ping-interval-ms", "20"]
      try await withExternalProcess(
        try ConnectionLifecycleProbe.start(port: server.port, arguments: arguments)
      ) {
        probe in
        try await ConnectionLifecycleProbe.waitUntilReady(probe)
        let events = try await ConnectionLifecycleProbe.events(probe)
        let goAway = events.first { $0.name == "goaway" }
        #expect(goAway?.errorCode == 0xb, "\(events)")
        #expect(goAway?.debug == "too_many_pings")
        // The first PING is fine and two more are tolerated strikes. (nghttp2 acknowledges every
        // PING of a read before the policy sees them, so more ACKs may precede the GOAWAY.)
        let acks = events.prefix { $0.name != "goaway" }.filter {
          $0.name == "ping" && $0.ack == true
        }
        #expect(acks.count >= 3, "\(events)")
        #expect(events.last?.name == "closed", "\(events)")
      }
    }
  }

  @Test("Maximum idle closes an unused connection with GOAWAY")
  func maximumIdleCloses() async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.maximumConnectionIdle = .milliseconds(300)
    try await withControlledTestServer(configuration: configuration) { server in
      try await withExternalProcess(try ConnectionLifecycleProbe.start(port: server.port)) {
        probe in
        try await ConnectionLifecycleProbe.waitUntilReady(probe)
        let events = try await ConnectionLifecycleProbe.events(probe)
        let goAways = events.filter { $0.name == "goaway" }
        #expect(goAways.map(\.lastStreamID) == [2_147_483_647, 0], "\(events)")
        #expect(goAways.last?.debug == "max_idle")
        #expect(events.last?.name == "closed", "\(events)")
      }
    }
  }

  @Test("Server keepalive PINGs keep a connection whose client answers open")
  func keepaliveAnsweredKeepsConnection() async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.keepalive = .init(interval: .milliseconds(200), timeout: .milliseconds(500))
    try await withControlledTestServer(configuration: configuration) { server in
      let arguments = ["--timeout", "20"]
      try await withExternalProcess(
        try ConnectionLifecycleProbe.start(port: server.port, arguments: arguments)
      ) {
        probe in
        try await ConnectionLifecycleProbe.waitUntilReady(probe)
        // Three keepalive PINGs, each answered: the connection stays open across them (the
        // timeout is longer than an interval, so an unanswered PING would close it by then).
        var events: [ProbeEvent] = []
        while events.filter({ $0.name == "ping" && $0.ack == false }).count < 3 {
          let event = ProbeEvent(try await probe.waitForJSONObject(timeout: .seconds(20)))
          events.append(event)
          if event.name == "closed" || event.name == "timeout" { break }
        }
        #expect(events.filter { $0.name == "ping" && $0.ack == false }.count == 3, "\(events)")
        #expect(!events.contains { $0.name == "goaway" || $0.name == "closed" }, "\(events)")
      }
    }
  }
}
