import ChatAPI
import GRPCKit

/// Where a mirrored room is in its store's order: the epoch and the last sequence number it
/// delivered.
package struct RoomSyncPoint: Sendable, Hashable {
  package var epoch: UInt64
  package var lastSequence: UInt64

  package init(epoch: UInt64, lastSequence: UInt64) {
    self.epoch = epoch
    self.lastSequence = lastSequence
  }
}

/// Mirrored order: with a shared store (Redis) the room takes the store's records in the
/// store's order (``deliver(_:)``), reports gaps, and fills them with what the store still
/// retains (``beginRepair()`` and ``finishRepair(from:epoch:lastSequence:records:)``).
extension ChatRoom {

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

  static func hasDelivered(_ id: RoomEventID, _ state: State) -> Bool {
    state.closed || id <= RoomEventID(epoch: state.epoch, sequence: state.lastSequence)
  }

  static func resumeDeliveryWaiters(_ state: inout State) {
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

  /// Starts a repair: live records are kept aside until
  /// ``finishRepair(from:epoch:lastSequence:records:)``.
  ///
  /// - Returns: Where the room is, to fetch what follows; `nil` when the room is closed.
  package func beginRepair() -> RoomSyncPoint? {
    self.state.withLock { state in
      guard !state.closed else { return nil }
      // After a gap the buffer already holds the record that revealed it.
      if state.repairBuffer == nil { state.repairBuffer = [] }
      return RoomSyncPoint(epoch: state.epoch, lastSequence: state.lastSequence)
    }
  }

  /// Where the room is, to fetch what follows without holding live records back; `nil` once
  /// the room is closed.
  package var syncPoint: RoomSyncPoint? {
    self.state.withLock { state in
      state.closed ? nil : RoomSyncPoint(epoch: state.epoch, lastSequence: state.lastSequence)
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
  /// A read that started before the room moved to another epoch (another read finished first)
  /// is not applied: the outcome is `.stillBehind`, to read again.
  ///
  /// - Parameters:
  ///   - start: Where the room was when the read started (``beginRepair()`` or ``syncPoint``).
  ///   - epoch: The store's epoch for the room; 0 when it has no history for it.
  ///   - lastSequence: The store's last sequence number in that epoch.
  ///   - records: The store's retained records after the room's last one (all of them for a
  ///     new epoch), in order.
  package func finishRepair(
    from start: RoomSyncPoint,
    epoch: UInt64,
    lastSequence: UInt64,
    records: [RoomRecord]
  ) -> RepairOutcome {
    self.state.withLock { state in
      guard !state.closed else { return .caughtUp }
      guard start.epoch == state.epoch else { return .stillBehind }
      let buffered = state.repairBuffer ?? []
      state.repairBuffer = nil
      if epoch != state.epoch {
        if state.epoch != 0 || state.lastSequence != 0 { self.resetHistory(&state) }
        state.epoch = epoch
      }
      let firstAvailable = records.first?.id.sequence ?? lastSequence + 1
      if lastSequence > state.lastSequence, firstAvailable > state.lastSequence + 1 {
        self.skip(to: firstAvailable - 1, storeLastSequence: lastSequence, &state)
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
  /// with `RESOURCE_EXHAUSTED` saying how far behind the server was (the store's last sequence
  /// number against the room's) and how many of those the store no longer retains.
  private func skip(to sequence: UInt64, storeLastSequence: UInt64, _ state: inout State) {
    if !state.members.isEmpty {
      let behind = storeLastSequence - state.lastSequence
      let lost = sequence - state.lastSequence
      let error = RPCError(
        code: .resourceExhausted,
        message: "this server fell \(behind) messages behind room \"\(self.name)\", more than its history of \(state.history.capacity) (\(lost) no longer retained); re-subscribe"
      )
      for member in state.members { member.end(.failure(error)) }
      state.members.removeAll()
    }
    state.history.removeAll()
    state.lastSequence = sequence
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
