import BenchmarkClock
import GRPCLocking

/// Fills a ``SoakLedger`` from the soak's tasks: sends, acknowledgements and every message each
/// reader receives, under one lock.
final class SoakRecorder: Sendable {
  private struct State {
    var ledger = SoakLedger()
    /// The last acknowledged id of each room (the start of a late subscriber).
    var lastAcknowledged: [String: SoakEventID] = [:]
    /// Per reader: the largest id received, to tell when the drain is done.
    var lastReceived: [SoakEventID?] = []
  }

  private let state = Mutex(State())

  /// A sender starts message `key` in `room`; returns its index for ``finish(_:_:)``.
  func send(_ key: MessageKey, room: String) -> Int {
    let now = MonotonicClock.now()
    return self.state.withLock { state in
      state.ledger.sent.append(SoakLedger.Sent(room: room, key: key, sentAt: now, outcome: .pending))
      return state.ledger.sent.count - 1
    }
  }

  /// How send `index` ended.
  func finish(_ index: Int, _ outcome: SoakLedger.Outcome) {
    self.state.withLock { state in
      state.ledger.sent[index].outcome = outcome
      if case .acknowledged(let id?, _) = outcome {
        let room = state.ledger.sent[index].room
        state.lastAcknowledged[room] = max(state.lastAcknowledged[room] ?? id, id)
      }
    }
  }

  /// Where a subscriber that joins `room` now must start: after the room's last acknowledged
  /// id (nil: nothing acknowledged yet, so from the oldest).
  func lateStart(room: String) -> SoakLedger.Start {
    let now = MonotonicClock.now()
    return self.state.withLock { state in
      state.lastAcknowledged[room].map { .after($0, at: now) } ?? .oldest
    }
  }

  /// Registers a reader; returns its index for ``receive(_:_:)``.
  func addReader(_ reader: SoakLedger.Reader) -> Int {
    self.state.withLock { state in
      state.ledger.readers.append(reader)
      state.lastReceived.append(nil)
      return state.ledger.readers.count - 1
    }
  }

  /// Reader `index` received `item`.
  func receive(_ index: Int, _ item: SoakLedger.Received) {
    self.state.withLock { state in
      state.ledger.readers[index].received.append(item)
      if case .message(let id?, _, _, _, _) = item {
        state.lastReceived[index] = max(state.lastReceived[index] ?? id, id)
      }
    }
  }

  /// Subscribers that have not yet received their room's last acknowledged message.
  func subscribersBehind() -> [String] {
    self.state.withLock { state in
      state.ledger.readers.indices.compactMap { index in
        let reader = state.ledger.readers[index]
        guard case .subscriber = reader.kind, let last = state.lastAcknowledged[reader.room] else { return nil }
        if let received = state.lastReceived[index], received >= last { return nil }
        return reader.name
      }
    }
  }

  /// Messages sent so far and acknowledged so far.
  func progress() -> (sent: Int, acknowledged: Int) {
    self.state.withLock { state in
      let acknowledged = state.ledger.sent.count {
        if case .acknowledged = $0.outcome { return true }
        return false
      }
      return (state.ledger.sent.count, acknowledged)
    }
  }

  /// The ledger as it stands.
  func ledger() -> SoakLedger {
    self.state.withLock { $0.ledger }
  }
}
