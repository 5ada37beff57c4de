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

@Suite("ChatClient room subscription", .timeLimit(.minutes(2 * TestSlowdown.factor)))
struct ChatSubscriptionTests {
  @Test("A subscription yields the room's messages with their ids, its own sends included")
  func subscriptionYieldsMessages() async throws {
    let (events, sentID) = try await withChatServer { port in
      try await withClient(port: port) { client in
        let subscription = client.subscribe(room: "ops", user: "ada")
        defer { subscription.cancel() }
        var iterator = subscription.makeAsyncIterator()
        let sentID = try await subscription.send("hello")
        let first = try await iterator.nextEvent()
        let published = try await client.publish("hi ada", as: "bob", room: "ops", timeout: .seconds(10))
        return ([first, try await iterator.nextEvent(), .message(published.message!, id: published.id)], sentID)
      }
    }
    #expect(events[0] == .message(ChatMessage(user: "ada", message: "hello", timestamp: fixedTime), id: sentID))
    #expect(events[1] == events[2])
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

  @Test("After an in-process server restart (history lost) a subscription yields one OUT_OF_RANGE gap, then continues")
  func subscriptionReportsGapAfterInProcessRestart() async throws {
    let port = try await LoopbackPort.unused()
    var server = try await RunningTestServer.start(port: port, services: chatServices())
    let client = try ChatClient(target: "127.0.0.1:\(port)")
    defer { client.close() }
    let subscription = client.subscribe(room: "ops", user: "watcher", backoff: fastRejoin)
    defer { subscription.cancel() }
    var events = subscription.makeAsyncIterator()
    let beforeID = try await subscription.send("before")
    _ = try await events.nextEvent()
    await server.stop()  // ends the open stream when the grace period is over
    server = try await RunningTestServer.start(port: port, services: chatServices())
    defer { Task { [server] in await server.stop() } }
    let gapEvent = try await events.nextEvent()
    let afterID = try await subscription.send("after")
    let after = try await events.nextEvent()

    guard case .gap(let gap) = gapEvent else {
      Issue.record("expected a gap, got \(gapEvent)")
      return
    }
    #expect(gap.reason.code == .outOfRange)
    #expect(gap.lastEventID == beforeID)
    #expect(gap.oldestRetainedID == "")
    guard case .message(let message, let id) = after else {
      Issue.record("expected a message, got \(after)")
      return
    }
    #expect(message.message == "after")
    #expect(id == afterID)
  }
}
