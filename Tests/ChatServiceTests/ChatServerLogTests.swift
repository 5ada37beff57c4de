import Foundation
import GRPCTestSupport
import Testing

@Suite("chat-server logs for Cloud Logging", .serialized)
struct ChatServerLogTests {
  static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
  static let spanID = "00f067aa0ba902b7"

  /// Runs `chat-server --access-log --gcp-project test-project`, publishes one message with
  /// grpcio for each entry of `calls` (sending that entry's metadata), one after the other, and
  /// returns the access lines of those calls in order.
  static func accessLines(publishingWith calls: [[String]]) async throws -> [[String: Any]] {
    let server = try ExternalProcess(
      executable: try ChatServerProcessTests.chatServerBinary().path,
      arguments: ["--host", "127.0.0.1", "--port", "0", "--access-log", "--gcp-project", "test-project"])
    let lines = try await withExternalProcess(server) { server in
      let port = try await server.waitForListeningPort(timeout: .seconds(30))
      var lines: [String] = []
      for metadata in calls {
        let client = try ExternalProcess.python(
          script: "room_events_client.py",
          arguments: ["publish", "--target", "127.0.0.1:\(port)", "--room", "logs", "--user", "u", "traced"]
            + metadata.flatMap { ["--metadata", $0] })
        #expect(try await client.waitForExit(timeout: .seconds(60)) == .exited(0), "\(client.standardErrorText)")
        lines.append(
          try await server.waitForLine(timeout: .seconds(30)) { line in
            line.contains("\"event\":\"call\"") && line.contains("\"grpc.method\":\"/chat.v1.RoomEvents/Publish\"")
          })
      }
      return lines
    }
    return try lines.map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
    }
  }

  /// The access line of one call sending `metadata`.
  static func accessLine(publishingWith metadata: [String]) async throws -> [String: Any] {
    try #require(try await Self.accessLines(publishingWith: [metadata]).first)
  }

  @Test("A call with a W3C traceparent logs its trace, span and sampling as Cloud Logging reads them")
  func traceparentReachesTheAccessLine() async throws {
    let line = try await Self.accessLine(publishingWith: ["traceparent=00-\(Self.traceID)-\(Self.spanID)-01"])
    #expect(line["logging.googleapis.com/trace"] as? String == "projects/test-project/traces/\(Self.traceID)")
    #expect(line["logging.googleapis.com/spanId"] as? String == Self.spanID)
    #expect(line["logging.googleapis.com/trace_sampled"] as? Bool == true)
    #expect(line["severity"] as? String == "INFO")
    #expect(line["message"] as? String == "call")
    #expect(line["grpc.code"] as? String == "OK")
    #expect(line["grpc.messages_in"] as? Int == 1)
    #expect(line["grpc.messages_out"] as? Int == 1)
    #expect((line["grpc.peer"] as? String)?.hasPrefix("ipv4:127.0.0.1:") == true)
    #expect((line["grpc.duration_ms"] as? Double ?? -1) >= 0)
    let time = try #require(line["time"] as? String)
    #expect(try Date(time, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) <= Date.now)
    #expect(line["ts"] == nil)
  }

  @Test("x-cloud-trace-context alone gives the trace, its decimal span id in hex, and o=1 as sampled")
  func cloudTraceContextReachesTheAccessLine() async throws {
    let line = try await Self.accessLine(publishingWith: ["x-cloud-trace-context=\(Self.traceID.uppercased())/123;o=1"])
    #expect(line["logging.googleapis.com/trace"] as? String == "projects/test-project/traces/\(Self.traceID)")
    #expect(line["logging.googleapis.com/spanId"] as? String == "000000000000007b")
    #expect(line["logging.googleapis.com/trace_sampled"] as? Bool == true)
  }

  @Test("A malformed traceparent is ignored: the call is served and its line has no trace")
  func malformedTraceparentIsIgnored() async throws {
    let headers = [
      "00-\(Self.traceID)-\(Self.spanID)", "00-\(Self.traceID.uppercased())-\(Self.spanID)-01",
      "00-\(String(repeating: "0", count: 32))-\(Self.spanID)-01", "ff-\(Self.traceID)-\(Self.spanID)-01",
      "00-\(Self.traceID)-\(Self.spanID)-01-extra", "garbage",
    ]
    let lines = try await Self.accessLines(publishingWith: headers.map { ["traceparent=\($0)"] })
    #expect(lines.count == headers.count)
    for (header, line) in zip(headers, lines) {
      #expect(line["grpc.code"] as? String == "OK", "\(header)")
      #expect(line["logging.googleapis.com/trace"] == nil, "\(header)")
      #expect(line["logging.googleapis.com/spanId"] == nil, "\(header)")
    }
  }
}
