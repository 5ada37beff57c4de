import ChatAPI
import GRPCKit
import GRPCTestSupport
import Testing

@Suite("chat-server's limits on the command line")
struct ChatServerLimitTests {
  @Test("--max-open-calls 1: a second call while a ChatStream is open ends with RESOURCE_EXHAUSTED")
  func maxOpenCalls() async throws {
    let server = try ExternalProcess(
      executable: try ChatServerProcessTests.chatServerBinary().path,
      arguments: ["--host", "127.0.0.1", "--port", "0", "--max-open-calls", "1"]
    )
    try await withExternalProcess(server) { server in
      let port = try await server.waitForListeningPort()
      try await withChatClient(port: port) { client in
        try await client.chatStream(options: joining("limits")) { writer, responses in
          var iterator = responses.makeAsyncIterator()
          try await writer.write(ChatMessage(user: "first", message: "hello"))
          _ = try await iterator.nextMessage()  // the first call is open and in its room
          let refused = await #expect(throws: RPCError.self) {
            try await client.chatStream(options: joining("limits")) { writer, responses in
              try await writer.write(ChatMessage(user: "second", message: "hello"))
              for try await _ in responses {}
            }
          }
          #expect(refused?.code == .resourceExhausted)
          #expect(refused?.message.contains("(maximumOpenCalls)") == true, "\(String(describing: refused))")
          writer.finish()
          while try await iterator.next() != nil {}
        }
        // With the first call ended, the slot is free again.
        let again = try await exchange(
          client, options: joining("limits"), [ChatMessage(user: "third", message: "hi")])
        #expect(again.map(\.message) == ["hi"])
      }
    }
  }
}
