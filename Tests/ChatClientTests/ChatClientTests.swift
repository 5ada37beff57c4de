import ChatClient
import ChatService
import GRPCKit
import GRPCTestSupport
import Testing

@Suite("ChatClient SDK")
struct ChatClientTests {
  @Test("send returns the server's stamped copy of the message")
  func sendReturnsStampedEcho() async throws {
    let echo = try await withChatServer { port in
      try await withClient(port: port) { client in
        try await client.send("hi", as: "ada", room: "ops", timeout: .seconds(10).slowed)
      }
    }
    #expect(echo == ChatMessage(user: "ada", message: "hi", timestamp: fixedTime))
  }

  @Test("An empty user name comes back as anonymous")
  func emptyUserBecomesAnonymous() async throws {
    let echo = try await withChatServer { port in
      try await withClient(port: port) { client in
        try await client.send("hi", as: "", timeout: .seconds(10).slowed)
      }
    }
    #expect(echo.user == "anonymous")
  }

  @Test("A session sees its own messages, then ends with OK after leave")
  func sessionSeesOwnMessagesThenEndsAfterLeave() async throws {
    let received = try await withChatServer { port in
      try await withClient(port: port) { client in
        try await client.withRoom("ops", user: "ada", timeout: .seconds(10).slowed) { room in
          try await room.send("one")
          try await room.send("two")
          room.leave()
          var received: [String] = []
          for try await message in room.messages { received.append(message.message) }
          return received
        }
      }
    }
    #expect(received == ["one", "two"])
  }

  @Test("Two clients in one room see each other's messages in the same order")
  func twoClientsShareOneOrder() async throws {
    let (first, second) = try await withChatServer { port in
      try await withClient(port: port) { ada in
        try await withClient(port: port) { bob in
          try await ada.withRoom("pair", user: "ada", timeout: .seconds(10).slowed) { adaRoom in
            var adaMessages = adaRoom.messages.makeAsyncIterator()
            try await adaRoom.send("ada joined")
            _ = try await adaMessages.nextMessage()  // bob joins after ada is a member
            let bobSaw = try await bob.withRoom("pair", user: "bob", timeout: .seconds(10).slowed) {
              bobRoom in
              var bobMessages = bobRoom.messages.makeAsyncIterator()
              try await bobRoom.send("from bob")
              let first = try await bobMessages.nextMessage()  // bob is a member now
              try await adaRoom.send("from ada")
              let seen = [first, try await bobMessages.nextMessage()]
              bobRoom.leave()
              while try await bobMessages.next() != nil {}
              return seen.map { "\($0.user): \($0.message)" }
            }
            let adaSaw = [try await adaMessages.nextMessage(), try await adaMessages.nextMessage()]
            adaRoom.leave()
            while try await adaMessages.next() != nil {}
            return (adaSaw.map { "\($0.user): \($0.message)" }, bobSaw)
          }
        }
      }
    }
    #expect(first == ["bob: from bob", "ada: from ada"])
    #expect(second == first)
  }

  @Test("Rooms are separate: a message reaches only its own room")
  func roomsAreSeparate() async throws {
    let seen = try await withChatServer { port in
      try await withClient(port: port) { client in
        try await client.withRoom("quiet", user: "listener", timeout: .seconds(10).slowed) { quiet in
          var messages = quiet.messages.makeAsyncIterator()
          try await quiet.send("join")
          _ = try await messages.nextMessage()
          _ = try await client.send("elsewhere", as: "ada", room: "busy", timeout: .seconds(10).slowed)
          try await quiet.send("marker")
          return try await messages.nextMessage().message
        }
      }
    }
    #expect(seen == "marker")
  }

  @Test("An invalid room fails with INVALID_ARGUMENT naming the rule")
  func invalidRoomFails() async throws {
    let error = await #expect(throws: RPCError.self) {
      try await withChatServer { port in
        try await withClient(port: port) { client in
          try await client.send("hi", as: "ada", room: "no spaces", timeout: .seconds(10).slowed)
        }
      }
    }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message.contains("chat-room \"no spaces\" is invalid") == true)
  }

  @Test("A message over the server's limit fails with INVALID_ARGUMENT naming the limit")
  func oversizedMessageFails() async throws {
    let error = await #expect(throws: RPCError.self) {
      try await withChatServer(maximumMessageBytes: 16) { port in
        try await withClient(port: port) { client in
          try await client.send(String(repeating: "x", count: 17), as: "ada", timeout: .seconds(10).slowed)
        }
      }
    }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message == "message is 17 bytes; limit 16")
  }

  @Test("A session that outlives its timeout fails with DEADLINE_EXCEEDED")
  func timeoutEndsSession() async throws {
    let error = await #expect(throws: RPCError.self) {
      try await withChatServer { port in
        try await withClient(port: port) { client in
          try await client.withRoom("slow", user: "ada", timeout: .milliseconds(200)) { room in
            for try await _ in room.messages {}
          }
        }
      }
    }
    #expect(error?.code == .deadlineExceeded)
  }

  @Test("Request metadata and the deadline reach the server; the room argument wins over metadata")
  func metadataAndDeadlineReachServer() async throws {
    let echoes = try await withServer(port: 0, services: [MetadataEchoService()]) { port in
      try await withClient(port: port) { client in
        let metadata: Metadata = ["x-trace": "abc", "chat-room": "ignored"]
        return try await client.withRoom(
          "ops",
          user: "ada",
          timeout: .seconds(30),
          metadata: metadata
        ) { room in
          try await room.send("x-trace")
          try await room.send("chat-room")
          room.leave()
          var echoes: [ChatMessage] = []
          for try await message in room.messages { echoes.append(message) }
          return echoes
        }
      }
    }
    #expect(echoes.map(\.message) == ["abc", "ops"])
    #expect(echoes.allSatisfy { (1 ... 30_000).contains($0.timestamp) })
  }

  @Test("The server's response metadata is readable from the session")
  func serverMetadataIsReadable() async throws {
    let metadata = try await withServer(port: 0, services: [MetadataEchoService()]) { port in
      try await withClient(port: port) { client in
        try await client.withRoom("ops", user: "ada", timeout: .seconds(10).slowed) { room in
          try await room.send("x-trace")
          let metadata = try await room.serverMetadata()
          room.leave()
          for try await _ in room.messages {}
          return metadata
        }
      }
    }
    #expect(metadata.first("x-served-by") == "metadata-echo")
  }

  @Test("A closed port fails with UNAVAILABLE naming the address")
  func closedPortFails() async throws {
    let port = try await withChatServer { port in port }  // free once the server stopped
    let error = await #expect(throws: RPCError.self) {
      try await withClient(port: port) { client in
        try await client.send("hi", as: "ada", timeout: .seconds(10).slowed)
      }
    }
    #expect(error?.code == .unavailable)
    #expect(error?.message.contains("127.0.0.1:\(port)") == true)
  }

  @Test("A new client works after the server restarts on the same port")
  func worksAfterServerRestart() async throws {
    // A bind failure is an I/O error; a failed call is an RPCError.
    let (port, before) = try await withRestartablePort(isTaken: { !($0 is RPCError) }) { port in
      try await withServer(port: port, services: [ChatRoomService()]) { port in
        (
          port,
          try await withClient(port: port) {
            try await $0.send("before", as: "ada", timeout: .seconds(10).slowed)
          }
        )
      }
    }
    let after = try await withServer(port: port, services: [ChatRoomService()]) { _ in
      try await withClient(port: port) { client in
        try await client.send("after", as: "ada", timeout: .seconds(10).slowed)
      }
    }
    #expect([before.message, after.message] == ["before", "after"])
  }

  @Test("close makes later calls fail with UNAVAILABLE")
  func closeFailsLaterCalls() async throws {
    let error = await #expect(throws: RPCError.self) {
      try await withChatServer { port in
        let client = ChatClient(host: "127.0.0.1", port: port)
        _ = try await client.send("hi", as: "ada", timeout: .seconds(10).slowed)
        client.close()
        return try await client.send("again", as: "ada", timeout: .seconds(10).slowed)
      }
    }
    #expect(error?.code == .unavailable)
  }
}
