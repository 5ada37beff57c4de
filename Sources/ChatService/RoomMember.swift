import ChatAPI
package import GRPCKit
import GRPCLocking

/// What a member's writer sends: a message of the room, or a heartbeat (RoomEvents only).
package enum RoomMemberItem: Sendable {
  case record(RoomRecord)
  case heartbeat
}

/// One open call in a room (a ChatStream member or a RoomEvents subscriber) as its room sees it:
/// a bounded queue of records to write, the task that writes them, and the outcome that ends
/// the call.
///
/// Rooms enqueue under their own lock, so every member's queue holds the room's order. The
/// writer takes the whole queue at once and writes it, then takes again; it sleeps on one
/// continuation when the queue is empty. Records count against the bound from the moment they
/// are queued until the batch holding them has been written.
package final class RoomMember: Sendable {
  private enum Phase { case open, draining, ended }

  private struct State {
    var queue: [RoomMemberItem] = []
    var queuedBytes = 0
    var batchCount = 0
    var batchBytes = 0
    var phase = Phase.open
    /// How the call ends once the queue has drained.
    var drainedOutcome: Result<Void, RPCError> = .success(())
    var writer: UnsafeContinuation<Void, Never>?
    var outcome: Result<Void, RPCError>?
    var outcomeWaiter: UnsafeContinuation<Result<Void, RPCError>, Never>?
    /// When the last item was queued (heartbeat bookkeeping; RoomEvents subscribers only).
    var lastQueued: ContinuousClock.Instant?
    /// The replay queued at join, until the batch holding it has been written: it does not
    /// count against the bound (see ``enqueueReplay(_:)``).
    var replayCount = 0
    var replayBytes = 0
    var replayInBatch = false
  }

  /// Continuations taken out of the state, resumed after the lock is released.
  private struct Wakeups {
    var writer: UnsafeContinuation<Void, Never>?
    var outcome: (UnsafeContinuation<Result<Void, RPCError>, Never>, Result<Void, RPCError>)?

    func resume() {
      self.writer?.resume()
      if let (waiter, outcome) = self.outcome { waiter.resume(returning: outcome) }
    }
  }

  private enum Take { case batch, finished, wait }

  private let maximumMessages: Int
  private let maximumBytes: Int
  /// True for RoomEvents subscribers, who read event ids: they end when a room's history is
  /// reset (its epoch changed), since their ids no longer resume anything.
  package let readsEventIDs: Bool
  private let state = Mutex(State())

  package init(maximumMessages: Int, maximumBytes: Int, readsEventIDs: Bool = false) {
    self.maximumMessages = maximumMessages
    self.maximumBytes = maximumBytes
    self.readsEventIDs = readsEventIDs
  }

  // MARK: Room side

  /// Queues the retained records a joining member asked for (its replay); called under the
  /// room's lock, before the member is in the room.
  ///
  /// A replay is at most the room's history, whose messages the room holds anyway (queued
  /// records share their storage), so it does not count against the slow-consumer bound; what is
  /// queued after it does. Counted, a subscriber ended as a slow consumer could never resume: its
  /// replay is at least the backlog that ended it, so every resume would end at once, until its
  /// id left the history and it had lost messages.
  package func enqueueReplay(_ records: ArraySlice<RoomRecord>) {
    let writer = self.state.withLock { state -> UnsafeContinuation<Void, Never>? in
      guard case .open = state.phase, !records.isEmpty else { return nil }
      for record in records {
        let size = record.message.encodedSize()
        state.queue.append(.record(record))
        state.queuedBytes += size
        state.replayCount += 1
        state.replayBytes += size
      }
      if state.lastQueued != nil { state.lastQueued = .now }
      defer { state.writer = nil }
      return state.writer
    }
    writer?.resume()
  }

  /// Queues a record for this member; called under the room's lock.
  ///
  /// - Returns: `false` if the member no longer takes messages: it has ended, or this message
  ///   pushed it past its bound and it has now ended with `RESOURCE_EXHAUSTED`. The room then
  ///   removes it.
  package func enqueue(_ record: RoomRecord, size: Int) -> Bool {
    self.enqueue(.record(record), size: size)
  }

  private func enqueue(_ item: RoomMemberItem, size: Int) -> Bool {
    var wakeups = Wakeups()
    let accepted = self.state.withLock { state -> Bool in
      guard case .open = state.phase else { return false }
      let count = state.queue.count + state.batchCount + 1 - state.replayCount
      let bytes = state.queuedBytes + state.batchBytes + size - state.replayBytes
      guard count <= self.maximumMessages, bytes <= self.maximumBytes else {
        let error = RPCError(
          code: .resourceExhausted,
          message: "slow consumer: \(count) messages (\(bytes) bytes) waiting; "
            + "limit \(self.maximumMessages) messages, \(self.maximumBytes) bytes"
        )
        wakeups = Self.end(&state, .failure(error))
        return false
      }
      state.queue.append(item)
      state.queuedBytes += size
      if state.lastQueued != nil { state.lastQueued = .now }
      wakeups.writer = state.writer
      state.writer = nil
      return true
    }
    wakeups.resume()
    return accepted
  }

  /// True while the member takes messages.
  package var isOpen: Bool {
    self.state.withLock { state in
      if case .open = state.phase { return true }
      return false
    }
  }

  /// The member has left its room (the client half-closed, or the server is shutting down):
  /// write what is queued, then end the call with `outcome` (`OK` by default).
  package func finishAfterDraining(_ outcome: Result<Void, RPCError> = .success(())) {
    let writer = self.state.withLock { state -> UnsafeContinuation<Void, Never>? in
      guard case .open = state.phase else { return nil }
      state.phase = .draining
      state.drainedOutcome = outcome
      defer { state.writer = nil }
      return state.writer
    }
    writer?.resume()
  }

  /// Ends the call with `outcome` unless it has already ended; queued messages are dropped.
  package func end(_ outcome: Result<Void, RPCError>) {
    let wakeups = self.state.withLock { Self.end(&$0, outcome) }
    wakeups.resume()
  }

  private static func end(_ state: inout State, _ outcome: Result<Void, RPCError>) -> Wakeups {
    guard state.outcome == nil else { return Wakeups() }
    state.phase = .ended
    state.outcome = outcome
    state.queue = []
    state.queuedBytes = 0
    var wakeups = Wakeups(writer: state.writer)
    state.writer = nil
    if let waiter = state.outcomeWaiter {
      wakeups.outcome = (waiter, outcome)
      state.outcomeWaiter = nil
    }
    return wakeups
  }

  // MARK: Call side

  /// Waits until the call's outcome is known: the queue drained after a half-close, or a
  /// failure (slow consumer, invalid message, cancellation, a failed write).
  package func outcome() async -> Result<Void, RPCError> {
    await withUnsafeContinuation { continuation in
      let outcome = self.state.withLock { state -> Result<Void, RPCError>? in
        if let outcome = state.outcome { return outcome }
        state.outcomeWaiter = continuation
        return nil
      }
      if let outcome { continuation.resume(returning: outcome) }
    }
  }

  /// Writes queued items to the call with `write` until the member ends; ends it with the
  /// drained outcome (`OK` after a half-close) once the queue has drained, or with the error a
  /// write threw.
  package func write(_ write: (RoomMemberItem) async throws -> Void) async {
    var batch: [RoomMemberItem] = []
    do {
      while await self.take(into: &batch) {
        for item in batch { try await write(item) }
      }
      self.end(self.state.withLock { $0.drainedOutcome })
    } catch {
      self.end(.failure(RPCError(wrapping: error)))
    }
  }

  /// Replaces `batch` (already written) with every queued message; waits while there is none.
  ///
  /// - Returns: `false` when there is nothing more to write.
  private func take(into batch: inout [RoomMemberItem]) async -> Bool {
    batch.removeAll(keepingCapacity: true)
    while true {
      let step = self.state.withLock { state -> Take in
        state.batchCount = 0
        state.batchBytes = 0
        if state.replayInBatch {
          // The batch just written held the whole replay: from now on everything counts.
          state.replayInBatch = false
          state.replayCount = 0
          state.replayBytes = 0
        }
        if case .ended = state.phase { return .finished }
        if !state.queue.isEmpty {
          swap(&state.queue, &batch)
          state.batchCount = batch.count
          state.batchBytes = state.queuedBytes
          state.queuedBytes = 0
          state.replayInBatch = state.replayCount > 0
          return .batch
        }
        if case .draining = state.phase { return .finished }
        return .wait
      }
      switch step {
      case .batch: return true
      case .finished: return false
      case .wait: await self.waitForMessages()
      }
    }
  }

  private func waitForMessages() async {
    await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
      let ready = self.state.withLock { state -> Bool in
        if !state.queue.isEmpty { return true }
        guard case .open = state.phase else { return true }
        state.writer = continuation
        return false
      }
      if ready { continuation.resume() }
    }
  }
}

extension RoomMember {
  /// Queues a heartbeat whenever `interval` passes without anything queued, until the member
  /// ends or the task is cancelled. Proxies time streams out on data inactivity (nginx
  /// `grpc_read_timeout`, Kong's `read_timeout`); HTTP/2 PINGs do not count everywhere.
  package func sendHeartbeats(every interval: Duration) async {
    self.state.withLock { $0.lastQueued = .now }
    while !Task.isCancelled {
      guard let due = self.state.withLock({ $0.lastQueued.map { $0 + interval } }) else { return }
      do { try await Task.sleep(until: due, clock: .continuous) } catch { return }
      let idle = self.state.withLock { state in
        guard let last = state.lastQueued else { return false }
        return ContinuousClock.now >= last + interval
      }
      if idle, !self.enqueue(.heartbeat, size: 0) { return }
    }
  }
}
