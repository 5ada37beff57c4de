import GRPCKit
import GRPCTestSupport
import Testing

@testable import GRPCKitNGHTTP2

/// Keepalive against a peer that stops answering: `tcp_proxy.py` sits between client and server
/// and, when told to freeze, stops forwarding without closing either connection.
@Suite("Keepalive through a proxy that freezes")
struct KeepaliveProxyTests {
  static func startProxy(targetPort: Int) throws -> ExternalProcess {
    try ExternalProcess.python(
      script: "tcp_proxy.py",
      arguments: ["--target-port", String(targetPort)]
    )
  }

  static func freeze(_ proxy: ExternalProcess) async throws {
    try proxy.writeToStandardInput("freeze\n")
    _ = try await proxy.waitForJSONObject { $0["event"] as? String == "frozen" }
  }

  @Test("The server closes the connection to a client that stopped answering keepalive PINGs")
  func serverClosesFrozenClient() async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.keepalive = .init(interval: .milliseconds(200), timeout: .milliseconds(500))
    try await withControlledTestServer(configuration: configuration) { server in
      try await withExternalProcess(try Self.startProxy(targetPort: server.port)) { proxy in
        let proxyPort = try await proxy.waitForListeningPort()
        try await withExternalProcess(
          try ConnectionLifecycleProbe.start(port: proxyPort, arguments: ["--timeout", "20"])
        ) { probe in
          try await ConnectionLifecycleProbe.waitUntilReady(probe)
          try await Self.freeze(proxy)
          // The server's PING goes unanswered, so it closes its connection to the proxy. Once
          // the proxy forwards again it finds that connection closed and closes the probe's.
          try await Task.sleep(for: .milliseconds(1500))
          try proxy.writeToStandardInput("thaw\n")
          let events = try await ConnectionLifecycleProbe.events(probe)
          #expect(events.last?.name == "closed", "\(events)")
          #expect(!events.contains { $0.name == "goaway" }, "a dead peer gets no GOAWAY: \(events)")
        }
      }
    }
  }

  @Test(
    "A client with keepalive fails its open call with UNAVAILABLE when the server stops answering"
  )
  func clientDetectsFrozenServer() async throws {
    var serverConfiguration = NGHTTP2ServerConfiguration()
    serverConfiguration.clientPingPolicy = .init(minimumInterval: .milliseconds(50))
    try await withControlledTestServer(configuration: serverConfiguration) { server in
      try await withExternalProcess(try Self.startProxy(targetPort: server.port)) { proxy in
        let proxyPort = try await proxy.waitForListeningPort()
        var configuration = NGHTTP2ClientConfiguration()
        configuration.keepalive = .init(interval: .milliseconds(200), timeout: .milliseconds(500))
        try await withEchoClient(port: proxyPort, configuration: configuration) { echo in
          let started = ContinuousClock.now
          let error = await #expect(throws: RPCError.self) {
            try await echo.update { writer, responses in
              var iterator = responses.makeAsyncIterator()
              try await writer.write(Echo_EchoRequest(text: "before"))
              #expect(try await iterator.next()?.text == "before")
              try await Self.freeze(proxy)
              while try await iterator.next() != nil {}
            }
          }
          #expect(error?.code == .unavailable)
          #expect(error?.message == "keepalive ping not acknowledged within 0.5s")
          #expect(started.duration(to: .now) < .seconds(10).slowed)
        }
      }
    }
  }

  @Test("Keepalive PINGs from both sides keep an idle call open across several intervals")
  func idleCallSurvivesKeepalive() async throws {
    var serverConfiguration = NGHTTP2ServerConfiguration()
    // Timeouts leave room for a loop starved by a fully loaded machine; the call outlives one.
    serverConfiguration.keepalive = .init(interval: .milliseconds(200), timeout: .seconds(5))
    serverConfiguration.clientPingPolicy = .init(minimumInterval: .milliseconds(10))
    try await withControlledTestServer(configuration: serverConfiguration) { server in
      var configuration = NGHTTP2ClientConfiguration()
      configuration.keepalive = .init(interval: .milliseconds(200), timeout: .seconds(5))
      try await withEchoClient(port: server.port, configuration: configuration) { echo in
        try await echo.update { writer, responses in
          var iterator = responses.makeAsyncIterator()
          try await writer.write(Echo_EchoRequest(text: "first"))
          #expect(try await iterator.next()?.text == "first")
          // Longer than a keepalive timeout: had a PING gone unanswered, the connection would
          // be closed by now.
          try await Task.sleep(for: .seconds(6))
          try await writer.write(Echo_EchoRequest(text: "second"))
          #expect(try await iterator.next()?.text == "second")
          writer.finish()
          #expect(try await iterator.next() == nil)
        }
      }
    }
  }
}

@Suite("Client keepalive against the server's ping policy")
struct ClientPingPolicyTests {
  @Test("A client told too_many_pings doubles its keepalive interval for later connections")
  func tooManyPingsDoublesInterval() async throws {
    try await withControlledTestServer(configuration: NGHTTP2ServerConfiguration()) { server in
      var configuration = NGHTTP2ClientConfiguration()
      configuration.keepalive = .init(interval: .milliseconds(50), timeout: .seconds(5))
      let transport = NGHTTP2ClientTransport(
        host: "127.0.0.1",
        port: server.port,
        configuration: configuration
      )
      defer { transport.close() }
      let echo = Echo_Echo.Client(wrapping: GRPCClient(transport: transport))
      // An idle call lets the client ping every 50 ms; the server allows one per 5 minutes.
      let error = await #expect(throws: RPCError.self) {
        try await echo.update { writer, responses in
          var iterator = responses.makeAsyncIterator()
          try await writer.write(Echo_EchoRequest(text: "x"))
          #expect(try await iterator.next()?.text == "x")
          while try await iterator.next() != nil {}
        }
      }
      #expect(error?.code == .unavailable)
      #expect(
        error?.message
          == "the connection to the server closed after GOAWAY with HTTP/2 error ENHANCE_YOUR_CALM (too_many_pings)"
      )
      #expect(transport.keepaliveInterval?.current == .milliseconds(100))
    }
  }
}
