package import ChatAPI
package import GRPCKit
import Synchronization

/// One room on this server: its members, its retained history and the order of its messages.
///
/// Every record is queued for every member while holding the room's lock, so all members
/// receive the room's messages in one order, and a member that joins from an event id gets the
/// retained records after it and then the live ones with no gap and no duplicate. Queuing never
/// waits: a member past its bound is ended and removed, and the others carry on.
///
/// In process, the room is the authority: ``append(_:)`` gives each message the next id. With a
/// shared store (Redis) the room mirrors the store's order: ``deliver(_:)`` takes records in
/// store order and reports gaps, which ``beginRepair()`` and ``finishRepair(epoch:lastSequence:records:)``
/// fill from the store.
package final class ChatRoom: Sendable {
  /// The room's name.
  package let name: String

  private struct State {
    /// The epoch of the room's history; 0 while a mirrored room has none yet.
    var epoch: UInt64
    var lastSequence: UInt64 = 0
    var history: RoomHistory
    var members: [RoomMember] = []
    /// Live records that arrived after a gap or while a repair was fetching the missing ones.
    var repairBuffer: [RoomRecord]?
    /// Between ``beginRepair()`` and ``finishRepair(epoch:records:)``.
    var repairing = false
    var closed = false
    /// Senders waiting until their own message came back from the shared store.
    var deliveryWaiters: [(id: RoomEventID, ticket: Int, continuation: UnsafeContinuation<Void, Never>)] = []
    var nextTicket = 0
  }

  private let state: Mutex<State>

  /// Creates a room.
  ///
  /// - Parameters:
  ///   - name: The room's name.
  ///   - historySize: How many records the room retains.
  ///   - epoch: The epoch of its history: a fresh one for an authoritative room, 0 for a mirror
  ///     that learns it from the store.
  package init(name: String, historySize: Int, epoch: UInt64) {
    self.name = name
    self.state = Mutex(State(epoch: epoch, history: RoomHistory(capacity: historySize)))
  }

  // MARK: Members

  /// Adds a member at `position`: the retained records after it are queued first, then every
  /// record from now on.
  ///
  /// - Returns: The id of the room's last record when the member joined (the point a live
  ///   member starts after); `nil` while the room has no record (subscribers are told `"0"`).
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
      if member.isOpen { state.members.append(member) }
      return state.epoch == 0 || state.lastSequence == 0
        ? nil : RoomEventID(epoch: state.epoch, sequence: state.lastSequence)
    }
  }

  private static func replay(_ records: ArraySlice<RoomRecord>, to member: RoomMember) {
    for record in records where !member.enqueue(record, size: record.message.encodedSize()) { return }
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

  private static func apply(_ record: RoomRecord, to state: inout State) {
    state.lastSequence = record.id.sequence
    state.history.append(record)
    if !state.deliveryWaiters.isEmpty { Self.resumeDeliveryWaiters(&state) }
    guard !state.members.isEmpty else { return }
    let size = record.message.encodedSize()
    var dropped = false
    for member in state.members where !member.enqueue(record, size: size) { dropped = true }
    if dropped { state.members.removeAll { !$0.isOpen } }
  }

  // MARK: Mirrored order (a shared store)

  /// Returns once the room has delivered the record `id` (or anything after it, or its epoch
  /// ended, or the room closed), or when the task is cancelled: a ChatStream member that
  /// half-closes leaves only after its own messages came back from the shared store.
  package func waitForDelivery(of id: RoomEventID) async {
    let ticket = self.state.withLock { state in
      defer { state.nextTicket += 1 }
      return state.nextTicket
    }
    await withTaskCancellationHandler {
      await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
        let done = self.state.withLock { state -> Bool in
          if Task.isCancelled || Self.hasDelivered(id, state) { return true }
          state.deliveryWaiters.append((id, ticket, continuation))
          return false
        }
        if done { continuation.resume() }
      }
    } onCancel: {
      let waiter = self.state.withLock { state -> UnsafeContinuation<Void, Never>? in
        guard let index = state.deliveryWaiters.firstIndex(where: { $0.ticket == ticket }) else { return nil }
        return state.deliveryWaiters.remove(at: index).continuation
      }
      waiter?.resume()
    }
  }

  private static func hasDelivered(_ id: RoomEventID, _ state: State) -> Bool {
    state.closed || id <= RoomEventID(epoch: state.epoch, sequence: state.lastSequence)
  }

  private static func resumeDeliveryWaiters(_ state: inout State) {
    // Resumed under the lock: resuming an unsafe continuation only schedules the task.
    var waiters = state.deliveryWaiters
    state.deliveryWaiters = []
    let snapshot = state
    waiters.removeAll { waiter in
      guard Self.hasDelivered(waiter.id, snapshot) else { return false }
      waiter.continuation.resume()
      return true
    }
    state.deliveryWaiters = waiters
  }

  /// What ``deliver(_:)`` did with a record.
  package enum Delivery: Sendable, Hashable {
    /// It was the next record: retained and queued for every member.
    case delivered
    /// The room already had it (or it belongs to an older epoch): ignored.
    case duplicate
    /// Records before it are missing: it was kept aside; start a repair.
    case gap
    /// A repair is running: it was kept aside for the repair to apply.
    case buffered
  }

  /// Takes the store's next record for the room.
  package func deliver(_ record: RoomRecord) -> Delivery {
    self.state.withLock { state in
      guard !state.closed else { return .duplicate }
      if state.repairBuffer != nil {
        // Bounded: a record dropped here is read from the store again by the repair (or, if the
        // store no longer has it, counts as falling behind).
        if state.repairBuffer!.count >= Self.maximumRepairBuffer(state) {
          state.repairBuffer!.removeFirst(state.repairBuffer!.count / 2)
        }
        state.repairBuffer!.append(record)
        return .buffered
      }
      switch Self.classify(record.id, in: state) {
      case .next:
        if state.epoch == 0 { state.epoch = record.id.epoch }
        Self.apply(record, to: &state)
        return .delivered
      case .old:
        return .duplicate
      case .ahead:
        state.repairBuffer = [record]
        return .gap
      }
    }
  }

  private static func maximumRepairBuffer(_ state: State) -> Int { max(2 * state.history.capacity, 1024) }

  private enum Placement { case next, old, ahead }

  private static func classify(_ id: RoomEventID, in state: State) -> Placement {
    if id.epoch == state.epoch {
      if id.sequence <= state.lastSequence { return .old }
      return id.sequence == state.lastSequence + 1 ? .next : .ahead
    }
    if state.epoch == 0 && state.lastSequence == 0 && id.sequence == 1 { return .next }
    return id.epoch < state.epoch ? .old : .ahead
  }

  /// Starts a repair unless one is running: live records are kept aside until
  /// ``finishRepair(epoch:lastSequence:records:)``.
  ///
  /// - Returns: The epoch and last sequence number the room has, to fetch what follows; `nil`
  ///   when the room is closed.
  package func beginRepair() -> (epoch: UInt64, lastSequence: UInt64)? {
    self.state.withLock { state in
      guard !state.closed, !state.repairing else { return nil }
      state.repairing = true
      // After a gap the buffer already holds the record that revealed it.
      if state.repairBuffer == nil { state.repairBuffer = [] }
      return (state.epoch, state.lastSequence)
    }
  }

  /// What a finished repair found.
  package enum RepairOutcome: Sendable, Hashable {
    /// The room is in step with the store.
    case caughtUp
    /// Records are still missing (the buffer is ahead of what was fetched, or the store has
    /// more than one read returned): repair again.
    case stillBehind
  }

  /// Applies what the store holds after the room's last record, then the live records kept
  /// aside meanwhile.
  ///
  /// - When `epoch` differs from the room's, the store lost the room's history (Redis restarted
  ///   empty) and `records` is everything it retains now: members that read event ids end with
  ///   `UNAVAILABLE` (their ids resume nothing; re-subscribing tells them with `OUT_OF_RANGE`),
  ///   the others receive the new epoch's records.
  /// - When the store went further than it still retains (the first record is not the room's
  ///   next one, or there is none and `lastSequence` is ahead), the room fell further behind
  ///   than the store's history: every member ends with `RESOURCE_EXHAUSTED` rather than miss
  ///   messages silently, and the room goes on from what the store retains. A room without
  ///   members (one being opened) simply starts there.
  ///
  /// - Parameters:
  ///   - epoch: The store's epoch for the room; 0 when it has no history for it.
  ///   - lastSequence: The store's last sequence number in that epoch.
  ///   - records: The store's retained records after the room's last one (all of them for a
  ///     new epoch), in order.
  package func finishRepair(epoch: UInt64, lastSequence: UInt64, records: [RoomRecord]) -> RepairOutcome {
    self.state.withLock { state in
      let buffered = state.repairBuffer ?? []
      state.repairBuffer = nil
      state.repairing = false
      guard !state.closed else { return .caughtUp }
      if epoch != state.epoch {
        if state.epoch != 0 || state.lastSequence != 0 { self.resetHistory(&state) }
        state.epoch = epoch
      }
      let firstAvailable = records.first?.id.sequence ?? lastSequence + 1
      if lastSequence > state.lastSequence, firstAvailable > state.lastSequence + 1 {
        self.skip(to: firstAvailable - 1, &state)
      }
      for record in records where record.id.epoch == state.epoch && record.id.sequence > state.lastSequence {
        Self.apply(record, to: &state)
      }
      for (index, record) in buffered.enumerated() {
        switch Self.classify(record.id, in: state) {
        case .next:
          if state.epoch == 0 { state.epoch = record.id.epoch }
          Self.apply(record, to: &state)
        case .old:
          continue
        case .ahead:
          state.repairBuffer = Array(buffered[index...])
          return .stillBehind
        }
      }
      Self.resumeDeliveryWaiters(&state)
      // A long history comes in pages: more to read.
      return epoch == state.epoch && state.lastSequence < lastSequence ? .stillBehind : .caughtUp
    }
  }

  /// Moves the room past records it can no longer get: its members, who would miss them, end
  /// with `RESOURCE_EXHAUSTED`.
  private func skip(to sequence: UInt64, _ state: inout State) {
    if !state.members.isEmpty {
      let missed = sequence - state.lastSequence
      let error = RPCError(
        code: .resourceExhausted,
        message: "this server fell \(missed) messages behind room \"\(self.name)\", more than its history of \(state.history.capacity); re-subscribe"
      )
      for member in state.members { member.end(.failure(error)) }
      state.members.removeAll()
    }
    state.history.removeAll()
    state.lastSequence = sequence
  }

  /// The epoch and last sequence number the room has delivered, to fetch what follows without
  /// holding live records back (see ``finishRepair(epoch:lastSequence:records:)``); `nil` once
  /// the room is closed.
  package var syncPoint: (epoch: UInt64, lastSequence: UInt64)? {
    self.state.withLock { state in state.closed ? nil : (state.epoch, state.lastSequence) }
  }

  /// True when `id` is beyond what the room has delivered: a mirror that is behind the store
  /// (or has not learned its epoch yet) cannot tell whether the store issued it.
  package func hasNotReached(_ id: RoomEventID) -> Bool {
    self.state.withLock { state in
      state.epoch == 0 || id > RoomEventID(epoch: state.epoch, sequence: state.lastSequence)
    }
  }

  private func resetHistory(_ state: inout State) {
    let error = RPCError(
      code: .unavailable,
      message: "room \"\(self.name)\"'s history was reset (the store lost it); re-subscribe to learn what was kept"
    )
    state.members.removeAll { member in
      guard member.readsEventIDs else { return false }
      member.end(.failure(error))
      return true
    }
    state.history.removeAll()
    state.lastSequence = 0
    // Their messages went with the old history.
    for waiter in state.deliveryWaiters { waiter.continuation.resume() }
    state.deliveryWaiters.removeAll()
  }
}
