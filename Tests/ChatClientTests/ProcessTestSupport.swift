import Foundation
import GRPCKit
import GRPCTestSupport

/// How a finished command ended and everything it wrote.
struct CommandResult: Sendable {
  var status: ExternalProcess.ExitStatus
  var standardOutput: String
  var standardError: String

  var outputLines: [String] { self.standardOutput.split(separator: "\n").map(String.init) }
  var errorLines: [String] { self.standardError.split(separator: "\n").map(String.init) }
}

/// Runs `chat-client` with `arguments` to its end (killed after `timeout`), standard input empty.
func runChatClient(
  _ arguments: [String],
  timeout: Duration = .seconds(30)
) async throws -> CommandResult {
  try await runBuiltProduct("chat-client", arguments, timeout: timeout)
}

/// Runs the package's executable `name` with `arguments` to its end (killed after `timeout`),
/// standard input empty.
func runBuiltProduct(
  _ name: String,
  _ arguments: [String],
  timeout: Duration = .seconds(30)
) async throws -> CommandResult {
  let process = try ExternalProcess(executable: try builtProduct(name), arguments: arguments)
  process.closeStandardInput()
  let output: String
  do {
    output = try await process.standardOutputToEnd(timeout: timeout)
  } catch let error where error.code == .timedOut {
    process.kill()
    output = ""
  }
  let status = try await process.waitForExit(timeout: .seconds(10))
  return CommandResult(status: status, standardOutput: output, standardError: process.standardErrorText)
}

/// Runs `chat-server` on `127.0.0.1:port` (0: a free port) with debug logs for `body`, then
/// stops it with SIGTERM.
func withChatServerProcess<Result: Sendable>(
  port: Int = 0,
  arguments: [String] = [],
  _ body: (ExternalProcess, Int) async throws -> Result
) async throws -> Result {
  let server = try ExternalProcess(
    executable: try builtProduct("chat-server"),
    arguments: ["--host", "127.0.0.1", "--port", "\(port)", "--log-level", "debug"] + arguments
  )
  return try await withExternalProcess(server) { server in
    try await body(server, try await server.waitForListeningPort())
  }
}

extension ExternalProcess {
  /// Waits until chat-server logged `count` more ChatStream members joining `room`.
  func waitForMembers(
    _ count: Int,
    joining room: String,
    timeout: Duration = .seconds(30)
  ) async throws {
    try await self.waitForJoins(count, event: "member joined", room: room, timeout: timeout)
  }

  /// Waits until chat-server logged `count` more RoomEvents subscribers (`chat-client listen`)
  /// joining `room`.
  func waitForSubscribers(
    _ count: Int,
    joining room: String,
    timeout: Duration = .seconds(30)
  ) async throws {
    try await self.waitForJoins(count, event: "subscriber joined", room: room, timeout: timeout)
  }

  private func waitForJoins(_ count: Int, event: String, room: String, timeout: Duration) async throws {
    for _ in 0 ..< count {
      _ = try await self.waitForJSONObject(timeout: timeout) { line in
        line["event"] as? String == event && line["chat.room"] as? String == room
      }
    }
  }
}

/// Parses a line of chat-client output: `{"message":…,"timestamp":…,"user":…}`, with `"id"`
/// first from `listen` and `publish`.
func chatLine(_ line: String) throws -> (id: String?, user: String, message: String, timestamp: Int64) {
  guard
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
    object.count == (object["id"] == nil ? 3 : 4),
    let user = object["user"] as? String,
    let message = object["message"] as? String,
    let timestamp = (object["timestamp"] as? NSNumber)?.int64Value
  else {
    throw RPCError(code: .internal, message: "not a chat message line: \(line)")
  }
  return (object["id"] as? String, user, message, timestamp)
}
