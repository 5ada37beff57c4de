import GRPCTestSupport
import Testing

@Suite("chat-server --trim-memory-after", .timeLimit(.minutes(3 * TestSlowdown.factor)))
struct ChatServerMemoryTrimTests {
  @Test("Once the open calls fell by the threshold from their peak, chat-server trims its heap and logs it")
  func trimsAfterCallsEnd() async throws {
    let listeners = 3
    let line = try await withChatServerProcess(arguments: ["--trim-memory-after", "\(listeners)"]) { server, port in
      let target = "127.0.0.1:\(port)"
      return try await withThrowingTaskGroup(of: CommandResult.self) { group in
        for _ in 0 ..< listeners {
          group.addTask {
            try await runChatClient(["listen", "--target", target, "--room", "trim", "--count", "1"])
          }
        }
        try await server.waitForSubscribers(listeners, joining: "trim")
        // No wait for a sample (every 5 s) while they are open: the sample after they ended sees
        // their peak.
        let sent = try await runChatClient(["send", "--target", target, "--room", "trim", "--user", "ada", "bye"])
        #expect(sent.status == .exited(0), "\(sent.standardError)")
        for try await result in group { #expect(result.status == .exited(0), "\(result.standardError)") }
        let line = try await server.waitForJSONObject(timeout: .seconds(20)) {
          $0["event"] as? String == "trimmed the heap after calls ended"
        }
        return (line["chat.open_calls"] as? String, line["chat.memory_released"] as? String)
      }
    }
    #expect(line.0 == "0")
    #expect(line.1 == "true" || line.1 == "false")
  }
}
