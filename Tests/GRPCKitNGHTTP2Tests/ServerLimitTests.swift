import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import InMemoryLogging
import Logging
import Testing

/// The server's explicit limits over loopback: what a client sees when one is reached, and the
/// line the server logs.
@Suite("Server limits")
struct ServerLimitTests {
  static func makeLogger(_ logs: InMemoryLogHandler) -> Logger {
    var logger = Logger(label: "test.limits") { _ in logs }
    logger.logLevel = .debug
    return logger
  }

  @Test("A call beyond maximumOpenCalls ends with RESOURCE_EXHAUSTED before its handler runs")
  func openCallLimit() async throws {
    let logs = InMemoryLogHandler()
    let service = CountingEchoService()
    try await withControlledTestServer(
      services: [service],
      configuration: NGHTTP2ServerConfiguration(),
      maximumOpenCalls: 1,
      logger: Self.makeLogger(logs)
    ) { server in
      try await withEchoClient(port: server.port) { echo in
        let refused = try await echo.update { writer, responses in
          try await writer.write(Echo_EchoRequest(text: "holding"))
          var iterator = responses.makeAsyncIterator()
          _ = try await iterator.next()  // the held call's handler is running
          do {
            try await echo.update { writer, responses in
              try await writer.write(Echo_EchoRequest(text: "one more"))
              writer.finish()
              for try await _ in responses {}
            }
            writer.finish()
            return nil as RPCError?
          } catch let error as RPCError {
            writer.finish()
            return error
          }
        }
        let error = try #require(refused)
        #expect(error.code == .resourceExhausted)
        #expect(error.message.contains("maximumOpenCalls"), "\(error.message)")
        // Only the held call's handler wrote: the refused one never ran.
        #expect(service.writtenCount == 1)
        // The slot is free again once the held call's handler returned.
        let served = try await Self.eventually { try await echo.get(Echo_EchoRequest(text: "x")) }
        #expect(served != nil)
      }
    }
    let warning = try #require(
      logs.entries.first { $0.message == "open call limit reached; call refused" }
    )
    #expect(warning.level == .warning)
    #expect(warning.metadata["grpc.limit"] == "maximumOpenCalls")
    #expect(warning.metadata["grpc.maximum"] == "1")
    #expect(warning.metadata["grpc.method"] == "/echo.Echo/Update")
    #expect(warning.metadata["grpc.rejected"] == "1")
  }

  @Test("A connection beyond maximumConnections gets SETTINGS, GOAWAY ENHANCE_YOUR_CALM and FIN")
  func connectionLimitOnTheWire() async throws {
    let logs = InMemoryLogHandler()
    var configuration = NGHTTP2ServerConfiguration()
    configuration.maximumConnections = 1
    try await withControlledTestServer(configuration: configuration, logger: Self.makeLogger(logs))
    { server in
      try await withEchoClient(port: server.port) { echo in
        _ = try await echo.get(Echo_EchoRequest(text: "first connection"))
        let arguments = [
          "--open-stream", "/echo.Echo/Update", "--body-hex",
          ConnectionLifecycleProbe.echoRequestHi,
        ]
        try await withExternalProcess(
          try ConnectionLifecycleProbe.start(port: server.port, arguments: arguments)
        ) { probe in
          let events = try await ConnectionLifecycleProbe.events(probe)
          let goAways = events.filter { $0.name == "goaway" }
          #expect(goAways.count == 1, "\(events)")
          #expect(goAways.first?.errorCode == 0xb)
          #expect(goAways.first?.lastStreamID == 0)
          #expect(goAways.first?.debug == "too many connections: limit 1 (maximumConnections)")
          // The stream the probe opened was not served.
          #expect(!events.contains { $0.name == "headers" || $0.name == "data" }, "\(events)")
          #expect(events.last?.name == "closed", "\(events)")
        }
        // The admitted connection still serves.
        let reply = try await echo.get(Echo_EchoRequest(text: "still here"))
        #expect(reply.text == "still here")
      }
    }
    let warning = try #require(
      logs.entries.first { $0.message == "connection limit reached; connection refused" }
    )
    #expect(warning.level == .warning)
    #expect(warning.metadata["grpc.limit"] == "maximumConnections")
    #expect(warning.metadata["grpc.maximum"] == "1")
    #expect(warning.metadata["grpc.peer"]?.description.hasPrefix("ipv4:127.0.0.1:") == true)
  }

  @Test("Our client refused by maximumConnections fails with UNAVAILABLE naming the GOAWAY")
  func connectionLimitSeenByClient() async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.maximumConnections = 1
    try await withControlledTestServer(configuration: configuration) { server in
      try await withEchoClient(port: server.port) { first in
        _ = try await first.get(Echo_EchoRequest(text: "first connection"))
        try await withEchoClient(port: server.port) { second in
          let error = await #expect(throws: RPCError.self) {
            _ = try await second.get(
              Echo_EchoRequest(text: "second connection"),
              options: CallOptions(timeout: .seconds(20))
            )
          }
          #expect(error?.code == .unavailable, "\(String(describing: error))")
          let message = error?.message ?? ""
          #expect(
            message.contains("too many connections: limit 1 (maximumConnections)"),
            "\(message)"
          )
        }
      }
    }
  }

  @Test("A request header list over maximumHeaderListSize ends the call with RESOURCE_EXHAUSTED")
  func headerListLimit() async throws {
    let logs = InMemoryLogHandler()
    var configuration = NGHTTP2ServerConfiguration()
    configuration.maximumHeaderListSize = 4096
    try await withControlledTestServer(configuration: configuration, logger: Self.makeLogger(logs))
    { server in
      try await withEchoClient(port: server.port) { echo in
        var metadata = Metadata()
        metadata.add("x-large", String(repeating: "v", count: 5000))
        let error = await #expect(throws: RPCError.self) {
          _ = try await echo.get(
            Echo_EchoRequest(text: "hi"),
            options: CallOptions(metadata: metadata)
          )
        }
        #expect(error?.code == .resourceExhausted)
        let message = error?.message ?? ""
        #expect(message.hasSuffix("bytes; limit 4096 (maximumHeaderListSize)"), "\(message)")
        // The connection is unharmed: the next call is served.
        let reply = try await echo.get(Echo_EchoRequest(text: "small"))
        #expect(reply.text == "small")
      }
    }
    let line = try #require(
      logs.entries.first { $0.message == "request header list too large; call refused" }
    )
    #expect(line.metadata["grpc.limit"] == "maximumHeaderListSize")
    #expect(line.metadata["grpc.maximum"] == "4096")
  }

  @Test("With maximumConcurrentStreams 1, our client waits for the stream and both calls succeed")
  func concurrentStreamLimit() async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.maximumConcurrentStreams = 1
    try await withControlledTestServer(configuration: configuration) { server in
      try await withEchoClient(port: server.port) { echo in
        _ = try await echo.get(Echo_EchoRequest(text: "settings received"))
        async let first = EchoCallKind.bidirectional.run(echo)
        async let second = EchoCallKind.bidirectional.run(echo)
        #expect(try await first == ["x", "y"])
        #expect(try await second == ["x", "y"])
      }
    }
  }

  @Test("A stream over maximumConcurrentStreams before the SETTINGS ACK gets REFUSED_STREAM")
  func concurrentStreamRefusedOnTheWire() async throws {
    let logs = InMemoryLogHandler()
    var configuration = NGHTTP2ServerConfiguration()
    configuration.maximumConcurrentStreams = 0
    try await withControlledTestServer(configuration: configuration, logger: Self.makeLogger(logs))
    { server in
      // The probe opens stream 1 with its preface, before it has seen the server's SETTINGS.
      let arguments = ["--open-stream", "/echo.Echo/Update", "--timeout", "5"]
      try await withExternalProcess(
        try ConnectionLifecycleProbe.start(port: server.port, arguments: arguments)
      ) { probe in
        let reset = try await probe.waitForJSONObject(timeout: .seconds(20)) {
          $0["event"] as? String == "rst_stream"
        }
        #expect(reset["stream_id"] as? Int == 1)
        #expect(reset["error_code"] as? Int == 7)  // REFUSED_STREAM
      }
    }
    let line = try #require(
      logs.entries.first { $0.message == "stream refused: over maximumConcurrentStreams" }
    )
    #expect(line.metadata["grpc.limit"] == "maximumConcurrentStreams")
    #expect(line.metadata["grpc.maximum"] == "0")
  }

  @Test("A stream over an acknowledged maximumConcurrentStreams ends the connection with GOAWAY")
  func concurrentStreamOverAcknowledgedLimit() async throws {
    let logs = InMemoryLogHandler()
    var configuration = NGHTTP2ServerConfiguration()
    configuration.maximumConcurrentStreams = 1
    try await withControlledTestServer(configuration: configuration, logger: Self.makeLogger(logs))
    {
      server in
      // Stream 1 goes with the preface; stream 3 right after the probe acknowledged SETTINGS.
      let arguments = ["--open-stream", "/echo.Echo/Update", "--streams-after-settings", "1"]
      try await withExternalProcess(
        try ConnectionLifecycleProbe.start(port: server.port, arguments: arguments)
      ) { probe in
        let events = try await ConnectionLifecycleProbe.events(probe)
        let goAway = try #require(events.first { $0.name == "goaway" }, "\(events)")
        #expect(goAway.errorCode == 1, "\(events)")  // PROTOCOL_ERROR
        #expect(goAway.debug?.contains("max concurrent streams exceeded") == true, "\(events)")
        #expect(events.last?.name == "closed", "\(events)")
      }
    }
    let line = try #require(
      logs.entries.first {
        $0.message
          == "stream over maximumConcurrentStreams; connection closed (GOAWAY PROTOCOL_ERROR)"
      }
    )
    #expect(line.metadata["grpc.limit"] == "maximumConcurrentStreams")
    #expect(line.metadata["grpc.stream"] == "3")
  }

  @Test("The README's Limits example configures the transport and the server")
  func readmeExample() {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.maximumConnections = 2_000
    configuration.maximumConcurrentStreams = 1_000
    configuration.maximumHeaderListSize = 8 << 10
    let transport = NGHTTP2ServerTransport(
      host: "0.0.0.0",
      port: 50051,
      configuration: configuration
    )
    let server = GRPCServer(
      transport: transport,
      services: [EchoService()],
      maximumOpenCalls: 50_000
    )
    #expect(transport.configuration.maximumConnections == 2_000)
    #expect(server.maximumOpenCalls == 50_000)
  }

  /// Calls `body` until it returns without an error (at most 100 tries, 50 ms apart); the value
  /// or nil.
  static func eventually<T: Sendable>(_ body: () async throws -> T) async throws -> T? {
    for _ in 0 ..< 100 {
      if let value = try? await body() { return value }
      try await Task.sleep(for: .milliseconds(50))
    }
    return nil
  }
}
