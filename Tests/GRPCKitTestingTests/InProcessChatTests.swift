import ChatAPI
import ChatService
import GRPCKit
import GRPCKitTesting
import Testing

@Suite("ChatService in process")
struct InProcessChatTests {
  @Test("Two members join a room, send, and each receives the other's message in room order")
  func twoMembers() async throws {
    var configuration = ChatServiceConfiguration()
    configuration.currentTimeMilliseconds = { 1_700_000_000_000 }
    try await withInProcessServer(services: [ChatRoomService(configuration: configuration)]) {
      client in
      let chat = ChatAPI.ChatService.Client(wrapping: client)
      let room = CallOptions(timeout: .seconds(30), metadata: ["chat-room": "ops"])
      try await chat.chatStream(options: room) { ada, adaInbox in
        var adaMessages = adaInbox.makeAsyncIterator()
        // Ada's own echo means she is a member before Bob speaks.
        try await ada.write(ChatMessage(user: "ada", message: "hello"))
        let own = try await adaMessages.next()
        #expect(own == ChatMessage(user: "ada", message: "hello", timestamp: 1_700_000_000_000))

        let bobSaw = try await chat.chatStream(options: room) { bob, bobInbox in
          try await bob.write(ChatMessage(user: "bob", message: "hi ada"))
          bob.finish()
          var seen: [String] = []
          for try await message in bobInbox { seen.append("\(message.user): \(message.message)") }
          return seen
        }
        #expect(bobSaw == ["bob: hi ada"])
        let fromBob = try await adaMessages.next()
        #expect(fromBob?.user == "bob")
        #expect(fromBob?.message == "hi ada")
        ada.finish()
        #expect(try await adaMessages.next() == nil)
      }
    }
  }

  @Test("An invalid room ends the call at once with INVALID_ARGUMENT")
  func invalidRoom() async throws {
    try await withInProcessServer(services: [ChatRoomService()]) { client in
      let chat = ChatAPI.ChatService.Client(wrapping: client)
      let error = await #expect(throws: RPCError.self) {
        try await chat.chatStream(
          options: CallOptions(timeout: .seconds(30), metadata: ["chat-room": "no spaces"])
        ) {
          writer,
          responses in
          for try await _ in responses {}
        }
      }
      #expect(error?.code == .invalidArgument)
    }
  }
}
