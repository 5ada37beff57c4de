/// What a soak sent and what its readers received, and the check that every acknowledged
/// message reached every subscriber that was in its room, exactly once, in order.
///
/// Pure data: the driver fills it while the soak runs (``SoakRecorder``), ``check()`` judges it
/// afterwards. Times are monotonic nanoseconds of one process.
struct SoakLedger: Sendable {
  /// One numbered message a sender tried to store.
  struct Sent: Sendable {
    var room: String
    var key: MessageKey
    /// When the send started.
    var sentAt: UInt64
    var outcome: Outcome
  }

  /// How a send ended.
  enum Outcome: Sendable, Equatable {
    /// Not finished when the ledger was taken.
    case pending
    /// Acknowledged: a `Publish` reply (with the id) or a ChatStream echo (no id: ChatStream
    /// members read none).
    case acknowledged(id: SoakEventID?, at: UInt64)
    /// The sender got an error (it may still have been stored).
    case failed(String)
  }

  /// Where a reader starts in its room.
  enum Start: Sendable, Equatable {
    /// From the room's first message (`after: "0"` before anything was sent).
    case oldest
    /// After `id`, the last message acknowledged in the room when the reader subscribed, at
    /// time `at`: every message with a larger id is due, and so is every message sent after
    /// `at` (its id is larger, since `id` was stored before it was sent).
    case after(SoakEventID, at: UInt64)
  }

  /// What a reader is held to.
  enum ReaderKind: Sendable, Equatable {
    /// A RoomEvents subscription (the SDK's, resuming from its last id) that stayed until the
    /// end: every due message, exactly once, in order; no gap.
    case subscriber(Start)
    /// One ChatStream call. ChatStream promises messages only from joining until the call
    /// ends, with no resume, so a call cut by a fault may miss what followed: such a reader
    /// is held only to no duplicate, no foreign message and room order.
    case session
  }

  /// One reader and what it received, in the order it received it.
  struct Reader: Sendable {
    var name: String
    var room: String
    var kind: ReaderKind
    /// Reads slowly on purpose (its latency is reported apart).
    var isSlow = false
    var received: [Received] = []
  }

  /// One thing a reader got.
  enum Received: Sendable, Equatable {
    /// A message: its id (nil on ChatStream, or when the id was not `EPOCH-SEQ`: `rawID` then
    /// holds it), its key (nil when its text is not a soak message: `label` says what it was).
    case message(id: SoakEventID?, rawID: String, key: MessageKey?, label: String, at: UInt64)
    /// The SDK's `.gap`: messages were missed.
    case gap(lastID: String?, reason: String)
  }

  var sent: [Sent] = []
  var readers: [Reader] = []

  /// Judges the ledger: every failure, in reader order and, within a reader, in its order.
  func check() -> LedgerVerdict {
    var verdict = LedgerVerdict()
    var byKey: [String: [MessageKey: Int]] = [:]
    for (index, message) in self.sent.enumerated() {
      byKey[message.room, default: [:]][message.key] = index
      switch message.outcome {
      case .acknowledged: verdict.acknowledged += 1
      case .failed: verdict.failed += 1
      case .pending: verdict.pending += 1
      }
    }
    let ids = self.storedIDs(byKey: byKey, verdict: &verdict)

    for reader in self.readers {
      var seen = Set<MessageKey>()
      var last: SoakEventID?
      for item in reader.received {
        guard case .message(let id, let rawID, let key, let label, let at) = item else {
          if case .gap(let lastID, let reason) = item {
            verdict.failures.append(
              .gap(room: reader.room, reader: reader.name, lastID: lastID, reason: reason))
          }
          continue
        }
        guard let key, let index = byKey[reader.room]?[key] else {
          verdict.failures.append(
            .foreign(room: reader.room, reader: reader.name, id: rawID, label: label))
          continue
        }
        if id == nil, !rawID.isEmpty {
          verdict.failures.append(
            .unreadableID(room: reader.room, reader: reader.name, id: rawID, key: key))
        }
        guard seen.insert(key).inserted else {
          verdict.failures.append(
            .duplicate(room: reader.room, reader: reader.name, id: id ?? ids[reader.room]?[key], key: key))
          continue
        }
        verdict.delivered += 1
        let message = self.sent[index]
        if case .acknowledged = message.outcome, at >= message.sentAt {
          verdict.latencies.record(at - message.sentAt, slow: reader.isSlow)
        }
        guard let position = id ?? ids[reader.room]?[key] else { continue }
        if let last, position <= last {
          verdict.failures.append(
            .outOfOrder(room: reader.room, reader: reader.name, id: position, key: key, after: last))
        }
        last = max(last ?? position, position)
      }
      if case .subscriber(let start) = reader.kind {
        self.findMissing(reader, start: start, seen: seen, ids: ids[reader.room] ?? [:], into: &verdict)
      }
    }
    return verdict
  }

  /// The id of every stored message of each room: from its acknowledgement, else from the
  /// readers that received it with one. Two different ids for one message mean it was stored
  /// twice: a failure.
  private func storedIDs(
    byKey: [String: [MessageKey: Int]], verdict: inout LedgerVerdict
  ) -> [String: [MessageKey: SoakEventID]] {
    var ids: [String: [MessageKey: SoakEventID]] = [:]
    for message in self.sent {
      if case .acknowledged(let id?, _) = message.outcome { ids[message.room, default: [:]][message.key] = id }
    }
    var reported = Set<MessageKey>()
    for reader in self.readers {
      for case .message(let id?, _, let key?, _, _) in reader.received where byKey[reader.room]?[key] != nil {
        if let known = ids[reader.room]?[key] {
          if known != id, reported.insert(key).inserted {
            verdict.failures.append(
              .storedTwice(room: reader.room, reader: reader.name, key: key, ids: [known, id].sorted()))
          }
        } else {
          ids[reader.room, default: [:]][key] = id
        }
      }
    }
    return ids
  }

  /// Every message due to a subscriber that it did not receive, in room order (messages whose
  /// id nobody learned last, by send time).
  private func findMissing(
    _ reader: Reader, start: Start, seen: Set<MessageKey>, ids: [MessageKey: SoakEventID],
    into verdict: inout LedgerVerdict
  ) {
    var missing: [(id: SoakEventID?, sent: Sent)] = []
    for message in self.sent where message.room == reader.room && !seen.contains(message.key) {
      let id = ids[message.key]
      // Due: acknowledged, or stored anyway (a reader received it, so it has an id).
      switch message.outcome {
      case .acknowledged: break
      case .failed, .pending: if id == nil { continue }
      }
      switch start {
      case .oldest: break
      case .after(let first, let at):
        if let id { if id <= first { continue } } else if message.sentAt <= at { continue }
      }
      missing.append((id, message))
    }
    missing.sort { lhs, rhs in
      switch (lhs.id, rhs.id) {
      case (let l?, let r?): return l < r
      case (.some, nil): return true
      case (nil, .some): return false
      case (nil, nil): return lhs.sent.sentAt < rhs.sent.sentAt
      }
    }
    for (id, message) in missing {
      let acknowledged: Bool
      if case .acknowledged = message.outcome { acknowledged = true } else { acknowledged = false }
      verdict.failures.append(
        .missing(room: reader.room, reader: reader.name, id: id, key: message.key, acknowledged: acknowledged))
    }
  }
}
