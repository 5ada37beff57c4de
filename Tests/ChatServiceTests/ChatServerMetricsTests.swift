import ChatAPI
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

@Suite("chat-server --metrics-port", .serialized)
struct ChatServerMetricsTests {
  /// Starts `chat-server --port 0 --metrics-port 0` with `arguments`; returns the process, the
  /// gRPC port and the metrics port from the first line.
  static func start(_ arguments: [String] = []) async throws -> (ExternalProcess, port: Int, metricsPort: Int) {
    let server = try ExternalProcess(
      executable: try ChatServerProcessTests.chatServerBinary().path,
      arguments: ["--host", "127.0.0.1", "--port", "0", "--metrics-port", "0", "--grace-period", "1"] + arguments)
    let listening = try await server.waitForJSONObject(timeout: .seconds(30)) { $0["event"] as? String == "listening" }
    let port = try #require(listening["port"] as? Int)
    let metricsPort = try #require(listening["metrics_port"] as? Int, "no metrics_port in the first line")
    return (server, port, metricsPort)
  }

  @Test("A scrape after a known set of calls has exact call counters, histogram counts and chat gauges")
  func scrapeAfterKnownCalls() async throws {
    let (server, port, metricsPort) = try await Self.start()
    try await withExternalProcess(server) { _ in
      let samples = try await withChatClient(port: port) { chat in
        let events = Chat_V1_RoomEvents.Client(wrapping: chat.client)
        // ChatStream: one member that sends two messages and half-closes (OK), one invalid room.
        let echoes = try await exchange(chat, options: joining("metrics"), [ChatMessage(user: "a", message: "1"), ChatMessage(user: "a", message: "2")])
        #expect(echoes.count == 2)
        await #expect(throws: RPCError.self) { _ = try await exchange(chat, options: joining("no room!"), []) }
        // Publish: one stored, one invalid room.
        _ = try await events.publish(Chat_V1_PublishRequest(room: "metrics", message: ChatMessage(user: "b", message: "3")))
        await #expect(throws: RPCError.self) {
          _ = try await events.publish(Chat_V1_PublishRequest(room: "no room!", message: ChatMessage(user: "b", message: "x")))
        }
        // Subscribe from an id the room never issued: OUT_OF_RANGE.
        await #expect(throws: RPCError.self) {
          try await events.subscribe(Chat_V1_SubscribeRequest(room: "metrics", afterId: "1-999")) { responses in
            for try await _ in responses {}
          }
        }
        // Scraped while this client's connection is open.
        return try await PrometheusSample.scrape(
          "http://127.0.0.1:\(metricsPort)/metrics", prefixes: ["grpc_server_", "chat_"])
      }
      func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
      }
      let calls: [(service: String, method: String, type: String, started: Double, received: Double, sent: Double, codes: [String: Double])] = [
        ("ChatService", "ChatStream", "bidi_stream", 2, 2, 2, ["OK": 1, "INVALID_ARGUMENT": 1]),
        ("chat.v1.RoomEvents", "Publish", "unary", 2, 2, 1, ["OK": 1, "INVALID_ARGUMENT": 1]),
        ("chat.v1.RoomEvents", "Subscribe", "server_stream", 1, 1, 0, ["OUT_OF_RANGE": 1]),
      ]
      for call in calls {
        let labels = ["grpc_service": call.service, "grpc_method": call.method, "grpc_type": call.type]
        #expect(value("grpc_server_started_total", labels) == call.started, "\(call.method)")
        #expect(value("grpc_server_msg_received_total", labels) == call.received, "\(call.method)")
        #expect(value("grpc_server_msg_sent_total", labels) == call.sent, "\(call.method)")
        #expect(value("grpc_server_handling_seconds_count", labels) == call.started, "\(call.method)")
        let handled = samples.filter {
          $0.name == "grpc_server_handled_total" && $0.labels["grpc_method"] == call.method
            && $0.labels["grpc_service"] == call.service
        }
        #expect(
          Dictionary(uniqueKeysWithValues: handled.map { ($0.labels["grpc_code"] ?? "", $0.value) }) == call.codes,
          "\(call.method)")
      }
      #expect(value("chat_messages_broadcast_total") == 3)
      #expect(value("chat_messages_delivered_total") == 2)
      #expect(value("chat_slow_consumers_total") == 0)
      #expect(value("chat_open_streams") == 0)
      #expect(value("chat_rooms") == 0)
      #expect(value("chat_room_members") == 0)
      #expect((value("grpc_server_connections_open") ?? 0) >= 1)
      #expect(value("grpc_server_goaways_sent_total", ["reason": "server_shutdown"]) == 0)
      #expect(value("grpc_server_keepalive_closes_total") == 0)
    }
  }

  @Test("An open ChatStream shows in chat_open_streams, chat_rooms and chat_room_members")
  func openStreamGauges() async throws {
    let (server, port, metricsPort) = try await Self.start()
    try await withExternalProcess(server) { _ in
      try await withChatClient(port: port) { chat in
        try await chat.chatStream(options: joining("gauges")) { writer, responses in
          var iterator = responses.makeAsyncIterator()
          try await writer.write(ChatMessage(user: "a", message: "in"))
          _ = try await iterator.nextMessage()
          let samples = try await PrometheusSample.scrape("http://127.0.0.1:\(metricsPort)/metrics", prefixes: ["chat_"])
          let values = Dictionary(uniqueKeysWithValues: samples.map { ($0.name, $0.value) })
          #expect(values["chat_open_streams"] == 1)
          #expect(values["chat_rooms"] == 1)
          #expect(values["chat_room_members"] == 1)
          writer.finish()
          while try await iterator.next() != nil {}
        }
      }
    }
  }

  @Test("/metrics answers text/plain; another path is 404")
  func otherPathsAreNotFound() async throws {
    let (server, _, metricsPort) = try await Self.start()
    try await withExternalProcess(server) { _ in
      let error = await #expect(throws: ExternalProcessError.self) {
        _ = try await PrometheusSample.scrape("http://127.0.0.1:\(metricsPort)/other", prefixes: [])
      }
      #expect(error?.message.contains("answered HTTP 404") == true, "\(String(describing: error))")
    }
  }

  @Test("--metrics-port equal to the gRPC port is refused, naming the rule")
  func metricsPortEqualToGRPCPort() async throws {
    let port = try await LoopbackPort.unused()
    let server = try ExternalProcess(
      executable: try ChatServerProcessTests.chatServerBinary().path,
      arguments: ["--host", "127.0.0.1", "--port", "\(port)", "--metrics-port", "\(port)"])
    let status = try await server.waitForExit(timeout: .seconds(30))
    #expect(status != .exited(0))
    #expect(server.standardErrorText.contains("--metrics-port \(port) is the gRPC port"))
  }
}
