import ChatAPI
import ChatService
import GRPCKit
import Testing

@Suite("ChatStream validation")
struct ChatValidationTests {
  @Test(
    "An invalid chat-room ends the call with INVALID_ARGUMENT",
    arguments: ["", "has space", "slash/room", String(repeating: "r", count: 65)]
  )
  func invalidRoomIsRejected(room: String) async throws {
    try await withChatServer { port, _ in
      try await withChatClient(port: port) { client in
        let error = await #expect(throws: RPCError.self) {
          try await client.chatStream(options: joining(room)) { _, responses in
            for try await _ in responses {}
          }
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("1-64 characters of A-Z a-z 0-9 . _ -") == true)
      }
    }
  }

  @Test("A room name of 64 allowed characters is accepted")
  func longestRoomIsAccepted() async throws {
    try await withChatServer { port, _ in
      try await withChatClient(port: port) { client in
        let room = String(String(repeating: "aZ9._-", count: 11).prefix(64))
        let received = try await exchange(
          client,
          options: joining(room),
          [ChatMessage(message: "hi")]
        )
        #expect(received.count == 1)
      }
    }
  }

  @Test(
    "A message over a limit ends the call with INVALID_ARGUMENT naming the rule",
    arguments: [
      (
        ChatMessage(user: String(repeating: "u", count: 65), message: "hi"),
        "user is 65 bytes; limit 64"
      ),
      (
        ChatMessage(user: "ada", message: String(repeating: "m", count: 5000)),
        "message is 5000 bytes; limit 4096"
      ),
      (
        ChatMessage(user: String(repeating: "é", count: 33), message: "hi"),
        "user is 66 bytes; limit 64"
      ),
    ]
  )
  func oversizedMessageIsRejected(message: ChatMessage, rule: String) async throws {
    try await withChatServer { port, _ in
      try await withChatClient(port: port) { client in
        let error = await #expect(throws: RPCError.self) {
          try await exchange(client, [message])
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message == rule)
      }
    }
  }

  @Test("Messages at the limits are accepted")
  func messagesAtLimitsAreAccepted() async throws {
    try await withChatServer { port, _ in
      try await withChatClient(port: port) { client in
        let message = ChatMessage(
          user: String(repeating: "u", count: 64),
          message: String(repeating: "m", count: 4096),
          timestamp: 7
        )
        let received = try await exchange(client, [message])
        #expect(received == [message])
      }
    }
  }
}
