import Foundation
import Logging
import Testing

@testable import chat_server

@Suite("chat-server's JSON log lines")
struct JSONLogLineTests {
  static let handler = JSONLogHandler(output: JSONLogOutput(), logLevel: .info, project: "p")

  /// How often `"key":` occurs as a key of the line.
  static func occurrences(of key: String, in line: String) -> Int {
    line.components(separatedBy: "\"\(key)\":").count - 1
  }

  @Test("Metadata named like a fixed key is written as metadata.KEY: no key appears twice")
  func collidingMetadataIsRenamed() throws {
    let line = Self.handler.line(
      level: .warning,
      message: "real message",
      metadata: [
        "message": "from metadata", "event": "e", "time": "t", "severity": "s",
        "chat.room": "lobby",
      ]
    )
    for key in ["message", "event", "time", "severity", "level"] {
      #expect(Self.occurrences(of: key, in: line) == 1, "\(key) in \(line)")
    }
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    )
    #expect(object["message"] as? String == "real message")
    #expect(object["severity"] as? String == "WARNING")
    #expect(object["metadata.message"] as? String == "from metadata")
    #expect(object["metadata.event"] as? String == "e")
    #expect(object["metadata.time"] as? String == "t")
    #expect(object["chat.room"] as? String == "lobby")
  }

  @Test("A metadata key that is already metadata.KEY wins over a renamed fixed key")
  func renamedKeyDoesNotDuplicate() throws {
    let line = Self.handler.line(
      level: .info,
      message: "m",
      metadata: ["event": "renamed", "metadata.event": "own"]
    )
    #expect(Self.occurrences(of: "metadata.event", in: line) == 1, "\(line)")
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    )
    #expect(object["metadata.event"] as? String == "own")
  }

  @Test("Inside a call with a trace, the line carries Cloud Logging's trace fields")
  func traceFields() throws {
    let trace = try #require(
      CallTrace(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
    )
    let line = CallTrace.$current.withValue(trace) {
      Self.handler.line(level: .info, message: "m", metadata: [:])
    }
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    )
    #expect(
      object["logging.googleapis.com/trace"] as? String
        == "projects/p/traces/4bf92f3577b34da6a3ce929d0e0e4736"
    )
    #expect(object["logging.googleapis.com/spanId"] as? String == "00f067aa0ba902b7")
    #expect(object["logging.googleapis.com/trace_sampled"] as? Bool == false)
  }
}
