import ChatAPI
import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

// A ThreadSanitizer build of chat-server (scripts/sanitize.sh thread) has no swift-otel, which does
// not compile with -sanitize=thread: it refuses --otlp-endpoint, and the export tests cannot run.
#if GRPCKIT_TSAN
private let withoutOTel = true
#else
private let withoutOTel = false
#endif
private let noOTelReason: Comment = "ThreadSanitizer build: chat-server has no swift-otel"

@Suite("chat-server --otlp-endpoint", .serialized)
struct ChatServerTracingTests {
  static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
  static let callerSpanID = "00f067aa0ba902b7"

  /// chat-server exporting spans to `endpoint`, batches sent every 100 ms.
  static func startServer(otlpEndpoint endpoint: String) throws -> ExternalProcess {
    try ExternalProcess(
      executable: try ChatServerProcessTests.chatServerBinary().path,
      arguments: [
        "--host", "127.0.0.1", "--port", "0", "--access-log", "--gcp-project", "test-project", "--otlp-endpoint",
        endpoint,
      ],
      environment: ["OTEL_BSP_SCHEDULE_DELAY": "100"])
  }

  @Test(
    "A grpcio call with a traceparent is exported over OTLP as a server span whose parent is the caller's",
    .disabled(if: withoutOTel, noOTelReason)
  )
  func serverSpanReachesTheCollector() async throws {
    let receiver = try ExternalProcess.python(script: "otlp_receiver.py")
    try await withExternalProcess(receiver) { receiver in
      let listening = try await receiver.waitForLine(timeout: .seconds(60)) { $0.contains("\"listening\"") }
      let receiverPort = try #require(
        (try JSONSerialization.jsonObject(with: Data(listening.utf8)) as? [String: Any])?["port"] as? Int)
      let server = try Self.startServer(otlpEndpoint: "http://127.0.0.1:\(receiverPort)")
      try await withExternalProcess(server) { server in
        let port = try await server.waitForListeningPort(timeout: .seconds(30))
        let client = try ExternalProcess.python(
          script: "room_events_client.py",
          arguments: [
            "publish", "--target", "127.0.0.1:\(port)", "--room", "traced", "--user", "u", "hi", "--metadata",
            "traceparent=00-\(Self.traceID)-\(Self.callerSpanID)-01",
          ])
        #expect(try await client.waitForExit(timeout: .seconds(60)) == .exited(0), "\(client.standardErrorText)")

        let spanLine = try await receiver.waitForLine(timeout: .seconds(60)) {
          $0.contains("\"event\": \"span\"") && $0.contains("\"name\": \"chat.v1.RoomEvents/Publish\"")
        }
        let span = try #require(try JSONSerialization.jsonObject(with: Data(spanLine.utf8)) as? [String: Any])
        #expect(span["trace_id"] as? String == Self.traceID)
        #expect(span["parent_span_id"] as? String == Self.callerSpanID)
        #expect(span["kind"] as? String == "SPAN_KIND_SERVER")
        #expect(span["service"] as? String == "chat-server")
        let attributes = span["attributes"] as? [String: Any]
        #expect(attributes?["rpc.system"] as? String == "grpc")
        #expect(attributes?["rpc.grpc.status_code"] as? Int == 0)

        // The access line names the exported server span.
        let line = try await server.waitForLine(timeout: .seconds(30)) {
          $0.contains("\"grpc.method\":\"/chat.v1.RoomEvents/Publish\"")
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["logging.googleapis.com/trace"] as? String == "projects/test-project/traces/\(Self.traceID)")
        #expect(object["logging.googleapis.com/spanId"] as? String == span["span_id"] as? String)
      }
    }
  }

  @Test(
    "A malformed traceparent starts a new trace; the tracer's warning about it shows no header value",
    .disabled(if: withoutOTel, noOTelReason)
  )
  func malformedTraceparentIsRedacted() async throws {
    let server = try Self.startServer(otlpEndpoint: "http://127.0.0.1:\(try await LoopbackPort.unused())")
    try await withExternalProcess(server) { server in
      let port = try await server.waitForListeningPort(timeout: .seconds(30))
      let client = try ExternalProcess.python(
        script: "room_events_client.py",
        arguments: [
          "publish", "--target", "127.0.0.1:\(port)", "--room", "traced", "--user", "u", "hi",
          "--metadata", "traceparent=00-\(Self.traceID)-zz-01", "--metadata", "authorization=Bearer s3cr3t",
        ])
      #expect(try await client.waitForExit(timeout: .seconds(60)) == .exited(0), "\(client.standardErrorText)")
      let warning = try await server.waitForLine(timeout: .seconds(30)) { $0.contains("Failed to extract span context") }
      #expect(warning.contains("authorization"))
      #expect(!warning.contains("s3cr3t"))
      let line = try await server.waitForLine(timeout: .seconds(30)) {
        $0.contains("\"grpc.method\":\"/chat.v1.RoomEvents/Publish\"")
      }
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      let trace = try #require(object["logging.googleapis.com/trace"] as? String)
      #expect(trace.hasPrefix("projects/test-project/traces/") && !trace.hasSuffix(Self.traceID))
    }
  }

  @Test(
    "An unreachable OTLP endpoint is logged, and the server keeps serving",
    .disabled(if: withoutOTel, noOTelReason)
  )
  func unreachableCollector() async throws {
    let closedPort = try await LoopbackPort.unused()
    let server = try Self.startServer(otlpEndpoint: "http://127.0.0.1:\(closedPort)")
    try await withExternalProcess(server) { server in
      let port = try await server.waitForListeningPort(timeout: .seconds(30))
      let first = try await withChatClient(port: port) { chat in
        try await exchange(chat, options: joining("otlp-down"), [ChatMessage(user: "a", message: "1")])
      }
      #expect(first.map(\.message) == ["1"])
      _ = try await server.waitForLine(timeout: .seconds(60)) { line in
        line.contains("\"severity\":\"WARNING\"") && line.contains("Failed to export")
      }
      let second = try await withChatClient(port: port) { chat in
        try await exchange(chat, options: joining("otlp-down"), [ChatMessage(user: "a", message: "2")])
      }
      #expect(second.map(\.message) == ["2"])
    }
  }

  @Test("--otlp-endpoint that is not an http(s) URL is refused, naming the rule")
  func malformedEndpoint() async throws {
    let server = try Self.startServer(otlpEndpoint: "collector:4318")
    let status = try await server.waitForExit(timeout: .seconds(30))
    #expect(status != .exited(0))
    #expect(
      server.standardErrorText.contains("--otlp-endpoint collector:4318 is not an http:// or https:// URL with a host"))
  }

  @Test(
    "A ThreadSanitizer build refuses --otlp-endpoint, naming why",
    .enabled(if: withoutOTel, "only a ThreadSanitizer build is without swift-otel")
  )
  func threadSanitizerBuildRefusesExport() async throws {
    let server = try Self.startServer(otlpEndpoint: "http://127.0.0.1:4318")
    let status = try await server.waitForExit(timeout: .seconds(60))
    #expect(status != .exited(0))
    #expect(server.standardErrorText.contains("--otlp-endpoint is not available in a ThreadSanitizer build"))
  }
}
