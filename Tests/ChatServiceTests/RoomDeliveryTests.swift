import ChatAPI
import ChatService
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

@Suite("RoomEvents: heartbeats, one room across both APIs, slow subscribers", .timeLimit(.minutes(3 * TestSlowdown.factor)))
struct RoomDeliveryTests {
  // MARK: Heartbeats

  @Test(
    "A quiet subscription receives heartbeats (no id, no message) at the configured interval until the call ends",
    arguments: RoomBackendFixture.allCases)
  func quietSubscriptionReceivesHeartbeats(backend: RoomBackendFixture) async throws {
    let interval = Duration.milliseconds(200)
    try await backend.withServer(configuration: roomConfiguration(heartbeatInterval: interval)) { server in
      let called = ContinuousClock.now
      let (heartbeats, sinceCall, sinceFirst) = try await server.subscribe("quiet") { responses in
        var events = responses.makeAsyncIterator()
        _ = try await events.nextMessage()  // the one at the start
        let first = ContinuousClock.now
        var heartbeats: [Chat_V1_RoomEvent] = []
        while heartbeats.count < 3 { heartbeats.append(try await events.nextMessage()) }
        return (heartbeats, ContinuousClock.now - called, ContinuousClock.now - first)
      }
      #expect(heartbeats.allSatisfy { $0.isHeartbeat })
      // Never faster than the interval (three of them follow the call's start by three
      // intervals at least, whatever the delays), and at the configured interval, not the 20 s
      // default: three within 10 s, a bound no loaded CI machine comes near (2.2 s seen).
      #expect(sinceCall >= interval * 3)
      #expect(sinceFirst < .seconds(10))
      #expect(ChatServiceConfiguration().heartbeatInterval > .seconds(10))
      // The heartbeat task belongs to the call: the call ends, the heartbeats stop.
      try await server.waitForOpenCalls(0)
    }
  }

  @Test("Heartbeats never take the place of a message: every message arrives once, in order", arguments: RoomBackendFixture.allCases)
  func heartbeatsDoNotReplaceMessages(backend: RoomBackendFixture) async throws {
    let count = 30
    try await backend.withServer(configuration: roomConfiguration(heartbeatInterval: .milliseconds(20))) { server in
      let (published, events) = try await server.subscribe("ticks") { responses in
        var iterator = responses.makeAsyncIterator()
        _ = try await iterator.nextMessage()
        var published: [Chat_V1_RoomEvent] = []
        for index in 1 ... count {
          published.append(try await server.publish("tick \(index)", to: "ticks"))
          try await Task.sleep(for: .milliseconds(index % 3 == 0 ? 30 : 5))
        }
        var events: [Chat_V1_RoomEvent] = []
        while events.filter({ !$0.isHeartbeat }).count < count { events.append(try await iterator.nextMessage()) }
        return (published, events)
      }
      #expect(events.filter { !$0.isHeartbeat } == published)
      #expect(events.allSatisfy { $0.isHeartbeat || (!$0.id.isEmpty && $0.message != nil) })
    }
  }

  // MARK: One room, two APIs

  @Test("A ChatStream message reaches RoomEvents subscribers with its id", arguments: RoomBackendFixture.allCases)
  func chatStreamMessageReachesSubscribers(backend: RoomBackendFixture) async throws {
    try await backend.withServer { server in
      let (echoes, event, later) = try await server.subscribe("mixed") { responses in
        var events = responses.makeAsyncIterator()
        _ = try await events.nextMessage()  // subscribed
        let echoes = try await exchange(
          server.chat, options: joining("mixed"), [ChatMessage(user: "ada", message: "from ChatStream")])
        let event = try await events.nextRecord()
        let later = try await server.publish("later", to: "mixed")
        #expect(try await events.nextRecord() == later)
        return (echoes, event, later)
      }
      #expect([event.message] == echoes.map(Optional.some))
      #expect(RoomEventID(Substring(event.id)) != nil)
      #expect(roomOrder(event.id, later.id))
    }
  }

  @Test("A Publish reaches the room's ChatStream members", arguments: RoomBackendFixture.allCases)
  func publishReachesChatStreamMembers(backend: RoomBackendFixture) async throws {
    try await backend.withServer { server in
      let (published, received) = try await server.chat.chatStream(options: joining("mixed")) { writer, responses in
        var messages = responses.makeAsyncIterator()
        try await writer.write(ChatMessage(user: "bob", message: "join"))
        _ = try await messages.nextMessage()  // a member now
        let published = try await server.publish("from Publish", to: "mixed")
        let received = try await messages.nextMessage()
        writer.finish()
        while try await messages.next() != nil {}
        return (published, received)
      }
      #expect(received == published.message)
    }
  }

  /// What one reader of the crowded room saw: `user:text` per message, and the ids of a
  /// subscriber.
  private struct Seen: Sendable {
    var messages: [String]
    var ids: [String]?
  }

  @Test(
    "3 ChatStream members and 3 subscribers see one identical sequence of 500 messages from 4 concurrent senders on both APIs",
    arguments: RoomBackendFixture.allCases)
  func everyMemberSeesOneSequence(backend: RoomBackendFixture) async throws {
    let room = "crowd"
    let perSender = 125
    let total = 4 * perSender
    try await backend.withServer { server in
      let seen = try await withThrowingTaskGroup(of: Seen?.self) { group in
        for member in 0 ..< 3 {
          group.addTask {
            try await server.chat.chatStream(options: joining(room)) { writer, responses in
              async let reading = Self.messages(total, from: responses)
              if member < 2 {  // two of them send on ChatStream
                try await server.waitForOpenCalls(6)
                for index in 1 ... perSender { try await writer.write(ChatMessage(user: "stream\(member)", message: "\(index)")) }
              }
              let seen = try await reading
              writer.finish()
              return Seen(messages: seen)
            }
          }
        }
        for _ in 0 ..< 3 {
          group.addTask {
            try await server.subscribe(room) { responses in
              var events = responses.makeAsyncIterator()
              let records = try await events.nextRecords(total)
              return Seen(messages: records.map { "\($0.message?.user ?? ""):\($0.message?.message ?? "")" }, ids: records.map(\.id))
            }
          }
        }
        for publisher in 0 ..< 2 {
          group.addTask {
            try await server.waitForOpenCalls(6)
            for index in 1 ... perSender { try await server.publish("\(index)", as: "publish\(publisher)", to: room) }
            return nil
          }
        }
        var seen: [Seen] = []
        for try await result in group { if let result { seen.append(result) } }
        return seen
      }
      try #require(seen.count == 6)
      let sequence = seen[0].messages
      #expect(sequence.count == total)
      #expect(seen.allSatisfy { $0.messages == sequence })
      for sender in ["stream0", "stream1", "publish0", "publish1"] {
        #expect(sequence.filter { $0.hasPrefix("\(sender):") } == (1 ... perSender).map { "\(sender):\($0)" })
      }
      let ids = seen.compactMap(\.ids)
      #expect(ids.count == 3)
      for subscriberIDs in ids {
        #expect(zip(subscriberIDs, subscriberIDs.dropFirst()).allSatisfy { roomOrder($0, $1) })
        #expect(subscriberIDs == ids[0])
      }
    }
  }

  /// The first `count` messages of a ChatStream call, as `user:text`.
  private static func messages(_ count: Int, from responses: ResponseStream<ChatMessage>) async throws -> [String] {
    var iterator = responses.makeAsyncIterator()
    var seen: [String] = []
    while seen.count < count {
      let message = try await iterator.nextMessage()
      seen.append("\(message.user):\(message.message)")
    }
    return seen
  }

  // MARK: Slow subscribers

  @Test(
    "A replay larger than the queue bound is delivered whole, so a slow consumer can resume",
    arguments: RoomBackendFixture.allCases)
  func replayLargerThanQueueBoundIsDelivered(backend: RoomBackendFixture) async throws {
    let configuration = roomConfiguration(historySize: 200, maximumQueuedMessages: 50)
    try await backend.withServer(configuration: configuration) { server in
      let ids = try await server.publish(120, to: "backlog")
      let (replayed, live, received) = try await server.subscribe("backlog", after: "0") { responses in
        var events = responses.makeAsyncIterator()
        let replayed = try await events.nextRecords(120)
        let live = try await server.publish("live", to: "backlog")
        return (replayed, live, try await events.nextRecord())
      }
      #expect(replayed.map(\.id) == ids)
      #expect(received == live)
    }
  }

  @Test(
    "A subscriber that stops reading is ended with RESOURCE_EXHAUSTED while publishing goes on",
    arguments: RoomBackendFixture.allCases)
  func slowSubscriberIsEnded(backend: RoomBackendFixture) async throws {
    var transport = NGHTTP2ServerConfiguration()
    transport.outboundHighWatermark = 16 << 10
    transport.outboundLowWatermark = 4 << 10
    var client = NGHTTP2ClientConfiguration()
    client.streamWindowSize = 64 << 10
    let text = String(repeating: "x", count: 1000)
    let flood = 1500
    try await backend.withServer(
      configuration: roomConfiguration(maximumQueuedMessages: 256), transport: transport, client: client
    ) { server in
      let joined = Signal()
      let flooded = Signal()
      async let published = Self.publish(flood, copiesOf: text, to: "flood", of: server, after: joined, then: flooded)
      let error = await #expect(throws: RPCError.self) {
        try await server.subscribe("flood") { responses in
          var events = responses.makeAsyncIterator()
          _ = try await events.nextMessage()
          joined.fire()
          await flooded.wait()
          while try await events.next() != nil {}
        }
      }
      let publishedCount = try await published
      #expect(publishedCount == flood)
      #expect(error?.code == .resourceExhausted)
      #expect(error?.message.hasPrefix("slow consumer") == true)
    }
  }

  /// Once `start` fires, publishes `count` copies of `text`, then fires `done`.
  private static func publish(
    _ count: Int, copiesOf text: String, to room: String, of server: RoomTestServer, after start: Signal, then done: Signal
  ) async throws -> Int {
    await start.wait()
    for _ in 0 ..< count { try await server.publish(text, to: room) }
    done.fire()
    return count
  }
}
