import ChatAPI
import ChatService
import GRPCKit
import Testing

@Suite("ChatStream")
struct ChatStreamTests {
  @Test("Sender receives its own message stamped with the server time")
  func senderReceivesStampedEcho() async throws {
    try await withChatServer { port, _ in
      try await withChatClient(port: port) { client in
        let received = try await exchange(client, [ChatMessage(user: "ada", message: "hi")])
        #expect(received == [ChatMessage(user: "ada", message: "hi", timestamp: fixedTime)])
      }
    }
  }

  @Test("A timestamp set by the client is kept")
  func clientTimestampIsKept() async throws {
    try await withChatServer { port, _ in
      try await withChatClient(port: port) { client in
        let message = ChatMessage(user: "ada", message: "hi", timestamp: 42)
        let received = try await exchange(client, [message])
        #expect(received == [message])
      }
    }
  }

  @Test("An empty user becomes anonymous")
  func emptyUserBecomesAnonymous() async throws {
    try await withChatServer { port, _ in
      try await withChatClient(port: port) { client in
        let received = try await exchange(client, [ChatMessage(message: "who am I")])
        #expect(received.map(\.user) == ["anonymous"])
      }
    }
  }

  @Test("Half-close ends the call with OK after every accepted message is echoed")
  func halfCloseEndsWithOKAfterEchoes() async throws {
    try await withChatServer { port, _ in
      try await withChatClient(port: port) { client in
        let sent = (0 ..< 50).map { ChatMessage(user: "ada", message: "m\($0)") }
        let received = try await exchange(client, sent)
        #expect(received.map(\.message) == sent.map(\.message))
      }
    }
  }

  @Test("Two members of a room see both members' messages in the same order")
  func membersSeeOneOrder() async throws {
    try await withChatServer { port, _ in
      try await withChatClient(port: port) { client in
        let firstJoined = Signal()
        let secondJoined = Signal()
        async let first = Self.member(
          "a",
          of: client,
          after: nil,
          announcing: firstJoined,
          thenAwait: secondJoined
        )
        async let second = Self.member(
          "b",
          of: client,
          after: firstJoined,
          announcing: secondJoined,
          thenAwait: nil
        )
        let (firstSeen, secondSeen) = try await (first, second)
        #expect(firstSeen == secondSeen)
        #expect(firstSeen.filter { $0.hasPrefix("a") } == (0 ..< Self.count).map { "a\($0)" })
        #expect(firstSeen.filter { $0.hasPrefix("b") } == (0 ..< Self.count).map { "b\($0)" })
      }
    }
  }

  private static let count = 20

  /// Joins room "order" (after `after` fires), announces it once its join is echoed, waits for
  /// `thenAwait`, sends `count` messages and returns the chat messages it saw, in order.
  private static func member(
    _ name: String,
    of client: ChatClient,
    after: Signal?,
    announcing joined: Signal,
    thenAwait other: Signal?
  ) async throws -> [String] {
    await after?.wait()
    return try await client.chatStream(options: joining("order")) { writer, responses in
      var iterator = responses.makeAsyncIterator()
      try await writer.write(ChatMessage(user: name, message: "join-\(name)"))
      while try await iterator.nextMessage().message != "join-\(name)" {}
      joined.fire()
      await other?.wait()
      for index in 0 ..< Self.count {
        try await writer.write(ChatMessage(user: name, message: "\(name)\(index)"))
      }
      var seen: [String] = []
      while seen.count < 2 * Self.count {
        let message = try await iterator.nextMessage().message
        if !message.hasPrefix("join") { seen.append(message) }
      }
      return seen
    }
  }

  @Test("Rooms are isolated from each other")
  func roomsAreIsolated() async throws {
    let received = try await Self.messagesSeenByFirstMember(
      first: joining("red"),
      second: joining("blue")
    )
    #expect(received == ["join", "after"])
  }

  @Test("A call without chat-room joins lobby")
  func defaultRoomIsLobby() async throws {
    let received = try await Self.messagesSeenByFirstMember(
      first: CallOptions(timeout: .seconds(30)),
      second: joining("lobby")
    )
    #expect(received == ["join", "other", "after"])
  }

  /// The first member joins, the second sends "other" and leaves, then the first sends "after"
  /// and half-closes: returns what the first member received.
  private static func messagesSeenByFirstMember(
    first: CallOptions,
    second: CallOptions
  ) async throws -> [String] {
    try await withChatServer { port, service in
      try await withChatClient(port: port) { client in
        try await client.chatStream(options: first) { writer, responses in
          var iterator = responses.makeAsyncIterator()
          try await writer.write(ChatMessage(user: "first", message: "join"))
          var received = [try await iterator.nextMessage().message]
          let echoed = try await exchange(
            client,
            options: second,
            [ChatMessage(user: "second", message: "other")]
          )
          #expect(echoed.map(\.message) == ["other"])
          #expect(service.roomNames.count == 1)
          try await writer.write(ChatMessage(user: "first", message: "after"))
          writer.finish()
          while let message = try await iterator.next() { received.append(message.message) }
          return received
        }
      }
    }
  }

  @Test("An empty room is removed")
  func emptyRoomIsRemoved() async throws {
    try await withChatServer { port, service in
      try await withChatClient(port: port) { client in
        _ = try await exchange(client, options: joining("brief"), [ChatMessage(message: "hi")])
        await service.waitUntilIdle()
        #expect(service.roomNames.isEmpty)
        #expect(service.openCallCount == 0)
      }
    }
  }

  @Test("A member that only listens stays until the server ends all calls with UNAVAILABLE")
  func listenerStaysUntilEndAllCalls() async throws {
    try await withChatServer { port, service in
      try await withChatClient(port: port) { client in
        let error = await #expect(throws: RPCError.self) {
          try await client.chatStream(options: joining("quiet")) { writer, responses in
            var iterator = responses.makeAsyncIterator()
            try await writer.write(ChatMessage(user: "listener", message: "join"))
            _ = try await iterator.nextMessage()
            #expect(service.openCallCount == 1)
            service.endAllCalls(
              RPCError(code: .unavailable, message: "the server is shutting down")
            )
            while try await iterator.next() != nil {}
          }
        }
        #expect(error?.code == .unavailable)
      }
    }
  }
}
