import ChatClient
import ChatService
import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

/// Re-join quickly in tests.
let fastRejoin = ConnectionBackoff(initial: .milliseconds(100), maximum: .seconds(1))

extension ChatRoomSubscription.AsyncIterator {
  /// The next event; throws if the subscription ended instead. (The suites' time limits bound
  /// the wait.)
  mutating func nextEvent() async throws -> ChatRoomEvent {
    guard let event = try await self.next() else {
      throw RPCError(code: .internal, message: "the subscription ended before the expected event")
    }
    return event
  }
}

@Suite("ChatClient room subscription", .timeLimit(.minutes(2)))
struct ChatSubscriptionTests {
  @Test("A subscription yields the room's messages, its own sends included")
  func subscriptionYieldsMessages() async throws {
    let events = try await withChatServer { port in
      try await withClient(port: port) { client in
        let subscription = client.subscribe(room: "ops", user: "ada")
        defer { subscription.cancel() }
        var iterator = subscription.makeAsyncIterator()
        try await subscription.send("hello")
        let first = try await iterator.nextEvent()
        _ = try await client.send("hi ada", as: "bob", room: "ops", timeout: .seconds(10))
        return [first, try await iterator.nextEvent()]
      }
    }
    #expect(
      events == [
        .message(ChatMessage(user: "ada", message: "hello", timestamp: fixedTime)),
        .message(ChatMessage(user: "bob", message: "hi ada", timestamp: fixedTime)),
      ])
  }

  @Test("A subscription to an invalid room ends with INVALID_ARGUMENT, without retrying")
  func invalidRoomEndsSubscription() async throws {
    let error = await #expect(throws: RPCError.self) {
      try await withChatServer { port in
        try await withClient(port: port) { client in
          for try await _ in client.subscribe(room: "no spaces", user: "ada", backoff: fastRejoin) {}
        }
      }
    }
    #expect(error?.code == .invalidArgument)
  }

  @Test("Cancelling a subscription ends its iteration")
  func cancelEndsIteration() async throws {
    let ended = try await withChatServer { port in
      try await withClient(port: port) { client in
        let subscription = client.subscribe(room: "ops", user: "ada")
        var iterator = subscription.makeAsyncIterator()
        try await subscription.send("joined")
        _ = try await iterator.nextEvent()
        subscription.cancel()
        return try await iterator.next() == nil
      }
    }
    #expect(ended)
  }

  @Test("A subscription re-joins after an in-process server restart and reports the gap")
  func subscriptionSurvivesInProcessRestart() async throws {
    let port = try await LoopbackPort.unused()
    var server = try await RunningTestServer.start(port: port, services: [ChatRoomService()])
    let client = try ChatClient(target: "127.0.0.1:\(port)")
    defer { client.close() }
    let subscription = client.subscribe(room: "ops", user: "watcher", backoff: fastRejoin)
    defer { subscription.cancel() }
    var events = subscription.makeAsyncIterator()
    try await subscription.send("first join")
    guard case .message(let before) = try await events.nextEvent() else {
      Issue.record("expected the first join's echo")
      return
    }
    await server.stop()  // ends the open stream when the grace period is over
    server = try await RunningTestServer.start(port: port, services: [ChatRoomService()])
    defer { Task { [server] in await server.stop() } }
    let gapEvent = try await events.nextEvent()
    try await subscription.send("second join")  // our own echo proves membership
    let rejoined = try await events.nextEvent()
    _ = try await client.send("after", as: "ada", room: "ops", timeout: .seconds(10))
    let after = try await events.nextEvent()
    guard case .reconnected(let gap) = gapEvent else {
      Issue.record("expected a reconnected event, got \(gapEvent)")
      return
    }
    #expect(gap.reason.code == .unavailable)
    #expect(gap.lastMessageTimestamp == before.timestamp)
    #expect(gap.attempts >= 1)
    guard case .message(let second) = rejoined, case .message(let message) = after else {
      Issue.record("expected messages, got \(rejoined) and \(after)")
      return
    }
    #expect(second.message == "second join")
    #expect(message.message == "after")
  }
}
