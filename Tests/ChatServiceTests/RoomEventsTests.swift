import ChatAPI
import ChatService
import GRPCKit
import GRPCTestSupport
import Testing

@Suite("RoomEvents: positions, history and errors", .timeLimit(.minutes(3 * TestSlowdown.factor)))
struct RoomEventsTests {
  @Test(
    "Subscribe after \"\" starts with a heartbeat whose headers name the last id, then gets only later messages",
    arguments: RoomBackendFixture.allCases)
  func liveSubscriptionGetsOnlyLaterMessages(backend: RoomBackendFixture) async throws {
    try await backend.withServer { server in
      let before = try await server.publish("before", to: "live")
      let (first, lastID, after, received) = try await server.subscribe("live") { responses in
        var events = responses.makeAsyncIterator()
        let first = try await events.nextMessage()
        let lastID = try await responses.headers().first(RoomEventsService.lastIDKey)
        let after = try await server.publish("after", to: "live")
        return (first, lastID, after, try await events.nextRecord())
      }
      #expect(first.isHeartbeat)
      #expect(lastID == before.id)
      #expect(received == after)
    }
  }

  @Test(
    "A live subscription of a room without messages names its start in chat-last-id, and resuming there misses nothing",
    arguments: RoomBackendFixture.allCases)
  func liveSubscriptionOfEmptyRoomNamesItsStart(backend: RoomBackendFixture) async throws {
    try await backend.withServer { server in
      let lastID = try await server.subscribe("empty") { responses in
        var events = responses.makeAsyncIterator()
        _ = try await events.nextMessage()
        return try await responses.headers().first(RoomEventsService.lastIDKey)
      }
      // "0" where the room has no epoch yet (a shared store that never stored a message for
      // it); EPOCH-0 where it has one, so that a resume after trimming reports the gap.
      let start = try #require(lastID)
      #expect(start == "0" || start.hasSuffix("-0"), "\(start)")
      let ids = try await server.publish(3, to: "empty")
      let resumed = try await server.subscribe("empty", after: start) { responses in
        var events = responses.makeAsyncIterator()
        return try await events.nextRecords(3)
      }
      #expect(resumed.map(\.id) == ids)
    }
  }

  @Test("A resume from the start of an empty room is OUT_OF_RANGE once the history moved past it")
  func resumeFromEmptyRoomStartAfterTrimmingIsOutOfRange() async throws {
    try await RoomBackendFixture.inProcess.withServer(configuration: roomConfiguration(historySize: 2)) { server in
      let start = try await server.subscribe("trimmed") { responses in
        var events = responses.makeAsyncIterator()
        _ = try await events.nextMessage()
        return try await responses.headers().first(RoomEventsService.lastIDKey)
      }
      _ = try await server.publish(3, to: "trimmed")
      let error = await #expect(throws: RPCError.self) {
        try await server.subscribe("trimmed", after: try #require(start)) { responses in
          var events = responses.makeAsyncIterator()
          _ = try await events.nextRecords(1)
        }
      }
      #expect(error?.code == .outOfRange)
    }
  }

  @Test("Subscribe after \"0\" replays exactly the retained messages in order, then live ones", arguments: RoomBackendFixture.allCases)
  func fromOldestReplaysRetainedMessages(backend: RoomBackendFixture) async throws {
    try await backend.withServer(configuration: roomConfiguration(historySize: 5)) { server in
      let ids = try await server.publish(8, to: "replay")
      let (replayed, live, received) = try await server.subscribe("replay", after: "0") { responses in
        var events = responses.makeAsyncIterator()
        let replayed = try await events.nextRecords(5)
        let live = try await server.publish("live", to: "replay")
        return (replayed, live, try await events.nextRecord())
      }
      #expect(replayed.map(\.id) == Array(ids[3...]))
      #expect(replayed.map { $0.message?.message } == (4 ... 8).map { "m\($0)" })
      #expect(received == live)
    }
  }

  @Test("Subscribe after an id gets exactly the messages after it, then live ones", arguments: RoomBackendFixture.allCases)
  func resumeGetsMessagesAfterID(backend: RoomBackendFixture) async throws {
    try await backend.withServer { server in
      let ids = try await server.publish(10, to: "resume")
      let (resumed, live, received) = try await server.subscribe("resume", after: ids[3]) { responses in
        var events = responses.makeAsyncIterator()
        let resumed = try await events.nextRecords(6)
        let live = try await server.publish("live", to: "resume")
        return (resumed, live, try await events.nextRecord())
      }
      #expect(resumed.map(\.id) == Array(ids[4...]))
      #expect(received == live)
    }
  }

  @Test(
    "Subscriptions resuming while two publishers publish get every later message once, in room order",
    arguments: RoomBackendFixture.allCases)
  func resumeDuringConcurrentPublishing(backend: RoomBackendFixture) async throws {
    let room = "busy"
    let perPublisher = 200
    try await backend.withServer { server in
      let seed = try await server.publish(20, prefix: "seed", to: room)
      async let first = server.publish(perPublisher, prefix: "a", to: room)
      async let second = server.publish(perPublisher, prefix: "b", to: room)
      // Staggered, so that the joins land while the publishers run.
      let seen = try await withThrowingTaskGroup(of: (String, [String]).self) { group in
        for (index, start) in seed.enumerated() where index % 3 == 0 {
          group.addTask {
            try await Task.sleep(for: .milliseconds(15 * index))
            let ends: Set = ["a\(perPublisher)", "b\(perPublisher)"]
            return (start, try await Self.ids(in: room, after: start, of: server, until: ends))
          }
        }
        var seen: [(String, [String])] = []
        for try await result in group { seen.append(result) }
        return seen
      }
      let published = (seed + (try await first) + (try await second)).sorted(by: roomOrder)
      #expect(seen.count == 7)
      for (start, ids) in seen {
        #expect(ids == published.filter { roomOrder(start, $0) }, "resumed after \(start)")
      }
    }
  }

  /// The ids a subscription after `start` receives until it has seen every message of `ends`.
  private static func ids(
    in room: String, after start: String, of server: RoomTestServer, until ends: Set<String>
  ) async throws -> [String] {
    try await server.subscribe(room, after: start) { responses in
      var events = responses.makeAsyncIterator()
      var ids: [String] = []
      var remaining = ends
      while !remaining.isEmpty {
        let event = try await events.nextRecord()
        ids.append(event.id)
        remaining.remove(event.message?.message ?? "")
      }
      return ids
    }
  }

  /// An id the room does not retain, relative to a room whose history holds its 4th to 6th ids.
  enum UnretainedID: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case olderThanHistory, neverIssued, earlierEpoch, laterEpoch

    var testDescription: String { self.rawValue }

    func id(among ids: [String]) -> String {
      let first = RoomEventID(Substring(ids[0]))!
      switch self {
      case .olderThanHistory: return ids[1]
      case .neverIssued: return "\(first.epoch)-999"
      case .earlierEpoch: return "\(first.epoch - 1)-5"
      case .laterEpoch: return "\(first.epoch + 1)-1"
      }
    }
  }

  @Test(
    "An id the room does not retain gets OUT_OF_RANGE naming the oldest retained id, in the message and chat-oldest-id",
    arguments: RoomBackendFixture.allCases, UnretainedID.allCases)
  func unretainedIDIsOutOfRange(backend: RoomBackendFixture, unretained: UnretainedID) async throws {
    try await backend.withServer(configuration: roomConfiguration(historySize: 3)) { server in
      let ids = try await server.publish(6, to: "range")
      let error = await #expect(throws: RPCError.self) {
        try await server.subscribe("range", after: unretained.id(among: ids)) { for try await _ in $0 {} }
      }
      #expect(error?.code == .outOfRange)
      #expect(error?.metadata.first("chat-oldest-id") == ids[3])
      #expect(error?.message.contains("the oldest id room \"range\" retains is \(ids[3])") == true, "\(error?.message ?? "")")
    }
  }

  @Test("An id in an empty room gets OUT_OF_RANGE with an empty chat-oldest-id", arguments: RoomBackendFixture.allCases)
  func idInEmptyRoomIsOutOfRange(backend: RoomBackendFixture) async throws {
    try await backend.withServer { server in
      let error = await #expect(throws: RPCError.self) {
        try await server.subscribe("nothing", after: "1700000000000000-1") { for try await _ in $0 {} }
      }
      #expect(error?.code == .outOfRange)
      #expect(error?.metadata.first("chat-oldest-id") == "")
      #expect(error?.message.contains("room \"nothing\" retains no messages") == true, "\(error?.message ?? "")")
    }
  }

  @Test(
    "A malformed after_id gets INVALID_ARGUMENT naming the rule",
    arguments: RoomBackendFixture.allCases, ["x", "-1", "1-", "0-1", "1-2-3", "+1-2", "1-+2", " 1-2", "18446744073709551616-1"])
  func malformedAfterIDIsInvalid(backend: RoomBackendFixture, afterID: String) async throws {
    try await backend.withServer { server in
      let error = await #expect(throws: RPCError.self) {
        try await server.subscribe("lobby", after: afterID) { for try await _ in $0 {} }
      }
      #expect(error?.code == .invalidArgument)
      #expect(
        error?.message == "after_id \"\(afterID)\" is not an event id: use an id the server sent, \"0\" or \"\"")
    }
  }

  @Test(
    "An invalid room gets INVALID_ARGUMENT naming the rule, on Subscribe and on Publish",
    arguments: RoomBackendFixture.allCases, ["no spaces", "a/b", String(repeating: "r", count: 65)])
  func invalidRoomIsRejected(backend: RoomBackendFixture, room: String) async throws {
    try await backend.withServer { server in
      let expected = "room \"\(room)\" is invalid: it must be 1-64 characters of A-Z a-z 0-9 . _ -"
      let subscribeError = await #expect(throws: RPCError.self) {
        try await server.subscribe(room) { for try await _ in $0 {} }
      }
      let publishError = await #expect(throws: RPCError.self) { try await server.publish("hi", to: room) }
      for error in [subscribeError, publishError] {
        #expect(error?.code == .invalidArgument)
        #expect(error?.message == expected)
      }
    }
  }

  @Test(
    "An invalid Publish gets the INVALID_ARGUMENT a ChatStream send gets",
    arguments: RoomBackendFixture.allCases,
    [ChatMessage(user: String(repeating: "u", count: 65), message: "hi"), ChatMessage(user: "ada", message: String(repeating: "x", count: 4097))])
  func invalidPublishMatchesChatStream(backend: RoomBackendFixture, message: ChatMessage) async throws {
    try await backend.withServer { server in
      let publishError = await #expect(throws: RPCError.self) {
        try await server.events.publish(Chat_V1_PublishRequest(room: "ops", message: message))
      }
      let streamError = await #expect(throws: RPCError.self) {
        try await exchange(server.chat, options: joining("ops"), [message])
      }
      #expect(publishError?.code == .invalidArgument)
      #expect(publishError?.message.contains("; limit ") == true, "\(publishError?.message ?? "")")
      #expect(publishError?.code == streamError?.code)
      #expect(publishError?.message == streamError?.message)
    }
  }

  @Test(
    "With history size 0 nothing replays, \"0\" gives only live messages, and the latest id still resumes",
    arguments: RoomBackendFixture.allCases)
  func historySizeZeroKeepsNothing(backend: RoomBackendFixture) async throws {
    try await backend.withServer(configuration: roomConfiguration(historySize: 0)) { server in
      let ids = try await server.publish(3, to: "none")
      let (live, received) = try await server.subscribe("none", after: "0") { responses in
        var events = responses.makeAsyncIterator()
        #expect(try await events.nextMessage().isHeartbeat)
        let live = try await server.publish("live", to: "none")
        return (live, try await events.nextRecord())
      }
      #expect(received == live)
      let (next, resumed) = try await server.subscribe("none", after: live.id) { responses in
        var events = responses.makeAsyncIterator()
        #expect(try await events.nextMessage().isHeartbeat)
        let next = try await server.publish("next", to: "none")
        return (next, try await events.nextRecord())
      }
      #expect(resumed == next)
      let error = await #expect(throws: RPCError.self) {
        try await server.subscribe("none", after: ids[2]) { for try await _ in $0 {} }
      }
      #expect(error?.code == .outOfRange)
      #expect(error?.metadata.first("chat-oldest-id") == "")
    }
  }

  @Test(
    "Ids are EPOCH-SEQ: unique, ordered, one epoch from the room's creation time, sequence from 1",
    arguments: RoomBackendFixture.allCases)
  func idsHaveTheDocumentedForm(backend: RoomBackendFixture) async throws {
    let before = WallClock.microsecondsSinceEpoch()
    let ids = try await backend.withServer { server in try await server.publish(20, to: "form") }
    let after = WallClock.microsecondsSinceEpoch()
    #expect(ids.allSatisfy { $0.wholeMatch(of: /[1-9][0-9]*-[1-9][0-9]*/) != nil }, "\(ids)")
    let parsed = ids.map { RoomEventID(Substring($0))! }
    #expect(Set(parsed.map(\.epoch)).count == 1)
    #expect((before ... after).contains(parsed[0].epoch))
    #expect(parsed.map(\.sequence) == Array(1 ... 20))
    #expect(parsed == parsed.sorted())
  }

  @Test(
    "An idle room evicted by maximumIdleRooms starts a new, larger epoch, and an old id gets OUT_OF_RANGE",
    arguments: RoomBackendFixture.allCases.filter(\.evictsIdleRooms))
  func evictedRoomStartsNewEpoch(backend: RoomBackendFixture) async throws {
    try await backend.withServer(configuration: roomConfiguration(maximumIdleRooms: 1)) { server in
      let old = try await server.publish("old", to: "evicted")
      try await server.publish("elsewhere", to: "other")  // two idle rooms: "evicted" goes
      let new = try await server.publish("new", to: "evicted")
      let (oldID, newID) = (RoomEventID(Substring(old.id))!, RoomEventID(Substring(new.id))!)
      #expect(newID.epoch > oldID.epoch)
      #expect(newID.sequence == 1)
      let error = await #expect(throws: RPCError.self) {
        try await server.subscribe("evicted", after: old.id) { for try await _ in $0 {} }
      }
      #expect(error?.code == .outOfRange)
      #expect(error?.metadata.first("chat-oldest-id") == new.id)
    }
  }
}

/// Whether `lhs` comes before `rhs` in room order.
func roomOrder(_ lhs: String, _ rhs: String) -> Bool {
  RoomEventID(Substring(lhs))! < RoomEventID(Substring(rhs))!
}
