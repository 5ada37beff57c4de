package import ChatAPI
package import GRPCKit
import GRPCLocking

/// One room on this server: its members, its retained history and the order of its messages.
///
/// Every record is queued for every member while holding the room's lock, so all members
/// receive the room's messages in one order, and a member that joins from an event id gets the
/// retained records after it and then the live ones with no gap and no duplicate. Queuing never
/// waits: a member past its bound is ended and removed, and the others carry on.
///
/// In process, the room is the authority: ``append(_:)`` gives each message the next id. With a
/// shared store (Redis) the room mirrors the store's order: ``deliver(_:)`` takes records in
/// store order and reports gaps, which ``beginRepair()`` and ``finishRepair(from:epoch:lastSequence:records:)``
/// fill from the store.
package final class ChatRoom: Sendable {
  /// The room's name.
  package let name: String

  struct State {
    /// The epoch of the room's history; 0 while a mirrored room has none yet.
    var epoch: UInt64
    var lastSequence: UInt64 = 0
    var history: RoomHistory
    var members: [RoomMember] = []
    /// Live records that arrived after a gap or while a repair was fetching the missing ones.
    var repairBuffer: [RoomRecord]?
    var closed = false
    /// Senders waiting until their own message came back from the shared store.
    var deliveryWaiters: [(id: RoomEventID, ticket: Int, continuation: UnsafeContinuation<Void, Never>)] = []
    var nextTicket = 0
    /// The service's metrics, when a backend is bootstrapped.
    var metrics: ChatMetrics?
  }

  let state: Mutex<State>

  /// Creates a room.
  ///
  /// - Parameters:
  ///   - name: The room's name.
  ///   - historySize: How many records the room retains.
  ///   - epoch: The epoch of its history: a fresh one for an authoritative room, 0 for a mirror
  ///     that learns it from the store.
  ///   - metrics: The service's metrics, if it records any.
  package init(name: String, historySize: Int, epoch: UInt64, metrics: ChatMetrics? = nil) {
    self.name = name
    self.state = Mutex(State(epoch: epoch, history: RoomHistory(capacity: historySize), metrics: metrics))
  }

  // MARK: Members

  /// Adds a member at `position`: the retained records after it are queued first, then every
  /// record from now on.
  ///
  /// - Returns: The id of the room's last record when the member joined (the point a live
  ///   member starts after; `EPOCH-0` for a room without records, so that a resume after
  ///   trimming is told of its gap); `nil` while a mirrored room has no epoch (subscribers are
  ///   told `"0"`).
  /// - Throws: `OUT_OF_RANGE` with trailing metadata `chat-oldest-id` when `position` is an id
  ///   the room does not retain (older than its history, from another epoch, or never issued);
  ///   `UNAVAILABLE` once the room was closed.
  @discardableResult
  package func join(_ member: RoomMember, at position: RoomPosition) throws(RPCError) -> RoomEventID? {
    try self.state.withLock { (state) throws(RPCError) -> RoomEventID? in
      guard !state.closed else {
        throw RPCError(code: .unavailable, message: "room \"\(self.name)\" is closed")
      }
      switch position {
      case .live:
        break
      case .oldest:
        Self.replay(state.history.records(after: 0), to: member)
      case .after(let id):
        let firstRetained = state.history.first?.id.sequence ?? state.lastSequence + 1
        guard id.epoch == state.epoch, id.sequence + 1 >= firstRetained, id.sequence <= state.lastSequence
        else { throw Self.outOfRange(id, room: self.name, state: state) }
        Self.replay(state.history.records(after: id.sequence), to: member)
      }
      if member.isOpen {
        state.members.append(member)
        state.metrics?.members.increment()
      }
      return state.epoch == 0 ? nil : RoomEventID(epoch: state.epoch, sequence: state.lastSequence)
    }
  }

  private static func replay(_ records: ArraySlice<RoomRecord>, to member: RoomMember) {
    member.enqueueReplay(records)
  }

  private static func outOfRange(_ id: RoomEventID, room: String, state: State) -> RPCError {
    let oldest = state.history.first.map { "\($0.id)" } ?? ""
    let retained =
      oldest.isEmpty
      ? "room \"\(room)\" retains no messages" : "the oldest id room \"\(room)\" retains is \(oldest)"
    return RPCError(
      code: .outOfRange,
      message: "after_id \(id) is not in the room's retained history: \(retained); subscribe with \"0\" for the oldest",
      metadata: ["chat-oldest-id": .string(oldest)]
    )
  }

  /// Removes a member; later records do not reach it.
  ///
  /// - Returns: `true` if the room has no members now.
  package func remove(_ member: RoomMember) -> Bool {
    self.state.withLock { state in
      if let index = state.members.firstIndex(where: { $0 === member }) {
        state.members.swapAt(index, state.members.count - 1)
        state.members.removeLast()
        state.metrics?.members.decrement()
      }
      return state.members.isEmpty
    }
  }

  /// The number of members.
  package var memberCount: Int { self.state.withLock { $0.members.count } }

  /// Removes every member; each writes what it has queued, then ends with `error`. The room is
  /// closed under its lock, so a record queued before reaches every member and one after
  /// reaches none.
  package func close(_ error: RPCError) {
    self.state.withLock { state in
      state.closed = true
      for member in state.members { member.finishAfterDraining(.failure(error)) }
      state.metrics?.members.decrement(by: Double(state.members.count))
      state.members.removeAll()
      Self.resumeDeliveryWaiters(&state)
    }
  }

  // MARK: Authoritative order (in process)

  /// Gives `message` the room's next id, retains it and queues it for every member.
  ///
  /// - Returns: The message's id.
  package func append(_ message: ChatMessage) -> RoomEventID {
    self.state.withLock { state in
      state.lastSequence += 1
      let record = RoomRecord(id: RoomEventID(epoch: state.epoch, sequence: state.lastSequence), message: message)
      Self.apply(record, to: &state)
      return record.id
    }
  }

  static func apply(_ record: RoomRecord, to state: inout State) {
    state.lastSequence = record.id.sequence
    state.history.append(record)
    if !state.deliveryWaiters.isEmpty { Self.resumeDeliveryWaiters(&state) }
    state.metrics?.broadcast.increment()
    guard !state.members.isEmpty else { return }
    let size = record.message.encodedSize()
    var dropped = false
    for member in state.members where !member.enqueue(record, size: size) { dropped = true }
    if dropped {
      let before = state.members.count
      state.members.removeAll { !$0.isOpen }
      state.metrics?.members.decrement(by: Double(before - state.members.count))
    }
  }
}
