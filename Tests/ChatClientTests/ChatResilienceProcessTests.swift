import ChatClient
import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

/// Starts `chat-server` on `127.0.0.1:port` and waits until it listens.
func startChatServer(port: Int) async throws -> ExternalProcess {
  let server = try ExternalProcess(
    executable: try builtProduct("chat-server"),
    arguments: ["--host", "127.0.0.1", "--port", "\(port)", "--log-level", "debug"])
  _ = try await server.waitForListeningPort()
  return server
}

@Suite("Client resilience against chat-server processes", .timeLimit(.minutes(3 * TestSlowdown.factor)))
struct ChatResilienceProcessTests {
  @Test("chat-server --unix-socket serves chat-client --target unix:PATH")
  func unixSocketEndToEnd() async throws {
    let path = UnixSocketPath.make()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let server = try ExternalProcess(executable: try builtProduct("chat-server"), arguments: ["--unix-socket", path])
    let (listening, result) = try await withExternalProcess(server) { server in
      let listening = try await server.waitForJSONObject(timeout: .seconds(20)) { $0["event"] as? String == "listening" }["unix_socket"] as? String
      return (
        listening,
        try await runChatClient(["send", "--target", "unix:\(path)", "--user", "ada", "over a socket"])
      )
    }
    #expect(listening == path)
    #expect(result.status == .exited(0), "\(result.standardError)")
    #expect(try chatLine(result.standardOutput).message == "over a socket")
  }

  @Test("A subscription re-joins by itself across a chat-server rolling restart, reports the lost history once, and a kept client works")
  func subscriptionSurvivesRollingRestart() async throws {
    let port = try await LoopbackPort.unused()
    var server = try await startChatServer(port: port)
    let client = try ChatClient(target: "127.0.0.1:\(port)")
    defer { client.close() }
    let subscription = client.subscribe(room: "ops", user: "watcher", backoff: fastRejoin)
    defer { subscription.cancel() }
    var events = subscription.makeAsyncIterator()
    try await subscription.send("first join")
    _ = try await events.nextEvent()
    let before = try await client.send("before", as: "ada", room: "ops", timeout: .seconds(10))
    let beforeEvent = try await events.nextEvent()

    // SIGTERM: GOAWAY, the open stream drains for the grace period, then ends with UNAVAILABLE.
    let exit = await server.stop(grace: .seconds(30))
    server = try await startChatServer(port: port)
    let gapEvent = try await events.nextEvent()
    let secondID = try await subscription.send("second join")
    let rejoined = try await events.nextEvent()
    let after = try await client.send("after", as: "ada", room: "ops", timeout: .seconds(10))
    let afterEvent = try await events.nextEvent()
    subscription.cancel()
    await server.stop()

    #expect(exit == .exited(0))
    guard case .message(let beforeMessage, let beforeID) = beforeEvent, case .gap(let gap) = gapEvent else {
      Issue.record("expected a message and a gap, got \(beforeEvent) and \(gapEvent)")
      return
    }
    #expect(beforeMessage == before)
    // The new process started a new epoch: the old id resumes nothing.
    #expect(gap.reason.code == .outOfRange)
    #expect(gap.lastEventID == beforeID)
    #expect(rejoined.message?.message == "second join")
    #expect(rejoined.id == secondID)
    #expect(afterEvent.message == after)
  }
}

extension ChatRoomEvent {
  /// The message of a `.message` event.
  var message: ChatMessage? {
    if case .message(let message, _) = self { return message }
    return nil
  }

  /// The id of a `.message` event.
  var id: String? {
    if case .message(_, let id) = self { return id }
    return nil
  }
}
