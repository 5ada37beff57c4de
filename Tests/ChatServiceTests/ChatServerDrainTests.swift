import ChatAPI
import GRPCKit
import GRPCTestSupport
import Testing

@Suite("chat-server graceful shutdown")
struct ChatServerDrainTests {
  @Test(
    "After SIGTERM a sender keeps chatting for --grace-period; both members get every accepted message, then UNAVAILABLE; exit 0"
  )
  func drainDeliversEveryAcceptedMessage() async throws {
    let binary = try ChatServerProcessTests.chatServerBinary().path
    let server = try ExternalProcess(
      executable: binary,
      arguments: ["--host", "127.0.0.1", "--port", "0", "--grace-period", "3"]
    )
    try await withExternalProcess(server) { server in
      let port = try await server.waitForListeningPort()
      let signalAfter = 30
      let (joined, join) = AsyncStream.makeStream(of: Void.self)
      // The listener announces itself; once its own message is back it is in the room.
      async let listened = Self.collect(port: port, user: "listener", messages: 1) { count in
        if count == 1 { join.yield() }
      }
      for await _ in joined { break }
      let sent = try await Self.collect(port: port, user: "sender", messages: 100_000) { count in
        if count == signalAfter { server.terminate() }
      }
      let heard = try await listened
      #expect(sent.error?.code == .unavailable)
      #expect(sent.error?.message == "the server is shutting down")
      #expect(heard.error?.code == .unavailable)
      #expect(
        sent.messages.count > signalAfter + 20,
        "messages kept flowing during the grace period"
      )
      #expect(
        Array(heard.messages.dropFirst()) == sent.messages,
        "both members got every accepted message, in order"
      )
      #expect(try await server.waitForExit(timeout: .seconds(20)) == .exited(0))
    }
  }

  /// One member of room `drain`: sends `messages` messages 5 ms apart without waiting for echoes
  /// and collects what the room delivers until the call ends.
  private static func collect(
    port: Int,
    user: String,
    messages count: Int,
    onMessage: @escaping @Sendable (Int) -> Void
  ) async throws -> (messages: [String], error: RPCError?) {
    try await withChatClient(port: port) { client in
      var messages: [String] = []
      var failure: RPCError?
      do {
        try await client.chatStream(options: joining("drain")) { writer, responses in
          let sender = Task {
            for index in 0 ..< count {
              try await writer.write(ChatMessage(user: user, message: "m\(index)"))
              try await Task.sleep(for: .milliseconds(5))
            }
          }
          defer { sender.cancel() }
          for try await message in responses {
            messages.append(message.message)
            onMessage(messages.count)
          }
        }
      } catch let error as RPCError {
        failure = error
      }
      return (messages, failure)
    }
  }
}
