import ChatClient
import GRPCKit
import GRPCLocking

/// A message as a reader saw it: its id (none on ChatStream), sender and text.
struct SeenMessage: Sendable, Hashable, CustomStringConvertible {
  var id: String?
  var user: String
  var text: String

  var description: String { "\(self.id.map { "\($0) " } ?? "")\(self.user):\(self.text)" }
}

/// A one-shot signal from one task to the tasks waiting for it.
final class Gate: Sendable {
  private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

  /// Lets every waiter (and every later one) through.
  func open() {
    let waiters = self.state.withLock { state in
      state.open = true
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Returns once ``open()`` was called.
  func wait() async {
    await withCheckedContinuation { continuation in
      let open = self.state.withLock { state in
        if !state.open { state.waiters.append(continuation) }
        return state.open
      }
      if open { continuation.resume() }
    }
  }
}

/// Reads a `chat.v1.RoomEvents/Subscribe` stream of `room` after `after` until `count` messages
/// arrived (heartbeats skipped); opens `joined` at its first event (it is in the room then).
func subscribe(
  _ client: ChatClient,
  to room: String,
  after: String = "",
  count: Int,
  joined: Gate? = nil,
  timeout: Duration = .seconds(180)
) async throws -> [SeenMessage] {
  try await client.roomEvents.subscribe(
    Chat_V1_SubscribeRequest(room: room, afterId: after), options: CallOptions(timeout: timeout)
  ) { responses in
    var seen: [SeenMessage] = []
    for try await event in responses {
      joined?.open()
      guard let message = event.message, !event.id.isEmpty else { continue }
      seen.append(SeenMessage(id: event.id, user: message.user, text: message.message))
      if seen.count == count { break }
    }
    guard seen.count == count else {
      throw RPCError(code: .internal, message: "the subscription ended after \(seen.count) of \(count) messages")
    }
    return seen
  }
}

/// An event id split into its epoch and sequence, to compare ids as the server orders them.
struct EventID: Sendable, Comparable, CustomStringConvertible {
  var epoch: UInt64
  var sequence: UInt64

  /// Parses `EPOCH-SEQ`; fails the test for anything else.
  init(_ text: String) throws {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, let epoch = UInt64(parts[0]), let sequence = UInt64(parts[1]) else {
      throw RPCError(code: .internal, message: "\"\(text)\" is not an EPOCH-SEQ event id")
    }
    (self.epoch, self.sequence) = (epoch, sequence)
  }

  static func < (lhs: EventID, rhs: EventID) -> Bool {
    (lhs.epoch, lhs.sequence) < (rhs.epoch, rhs.sequence)
  }

  var description: String { "\(self.epoch)-\(self.sequence)" }
}

/// Whether `ids` are strictly increasing event ids.
func strictlyIncreasing(_ ids: [String]) throws -> Bool {
  let parsed = try ids.map(EventID.init)
  return zip(parsed, parsed.dropFirst()).allSatisfy { $0 < $1 }
}

extension ChatRoomEvent {
  /// The message of a `.message` event.
  var message: ChatMessage? {
    if case .message(let message, _) = self { return message }
    return nil
  }

  /// The id of a `.message` event.
  var id: String? {
    if case .message(_, let id) = self { return id }
    return nil
  }

  /// The gap of a `.gap` event.
  var gap: ChatRoomGap? {
    if case .gap(let gap) = self { return gap }
    return nil
  }
}

extension ChatRoomSubscription {
  /// Reads events until the message `id` (included); fails after `timeout`.
  func events(untilID id: String, timeout: Duration = .seconds(120)) async throws -> [ChatRoomEvent] {
    try await self.events(until: { $0.id == id }, timeout: timeout)
  }

  /// Reads events until one satisfies `isLast` (included); fails after `timeout`.
  func events(until isLast: @escaping @Sendable (ChatRoomEvent) -> Bool, timeout: Duration = .seconds(120)) async throws
    -> [ChatRoomEvent]
  {
    try await withThrowingTaskGroup(of: [ChatRoomEvent]?.self) { group in
      group.addTask {
        var events: [ChatRoomEvent] = []
        for try await event in self {
          events.append(event)
          if isLast(event) { return events }
        }
        throw RPCError(code: .internal, message: "the subscription ended after \(events.count) events: \(events.suffix(3))")
      }
      group.addTask {
        try await Task.sleep(for: timeout)
        return nil
      }
      defer { group.cancelAll() }
      guard let events = try await group.next() ?? nil else {
        throw RPCError(code: .deadlineExceeded, message: "the awaited event did not arrive within \(timeout)")
      }
      return events
    }
  }
}

