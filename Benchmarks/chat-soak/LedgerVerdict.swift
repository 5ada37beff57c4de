/// The outcome of ``SoakLedger/check()``: counts, latencies and every failure.
struct LedgerVerdict: Sendable {
  /// Sends acknowledged, failed (the sender got an error), and unfinished.
  var acknowledged = 0
  var failed = 0
  var pending = 0
  /// Messages received, once each, by all readers together.
  var delivered = 0
  var latencies = Latencies()
  var failures: [LedgerFailure] = []

  /// True when nothing failed.
  var passed: Bool { self.failures.isEmpty }

  /// End-to-end latencies (send started to received) of acknowledged messages.
  struct Latencies: Sendable {
    /// Readers that keep up, and the slow consumers (whose stalls are deliberate).
    var regular: [UInt64] = []
    var slowMaximum: UInt64 = 0

    mutating func record(_ nanoseconds: UInt64, slow: Bool) {
      if slow {
        self.slowMaximum = max(self.slowMaximum, nanoseconds)
      } else {
        self.regular.append(nanoseconds)
      }
    }
  }
}

/// One broken promise, naming the room, the reader, the event id and the sender's number.
enum LedgerFailure: Sendable, Equatable, CustomStringConvertible {
  /// A message due to a subscriber never arrived (`acknowledged` false: its sender got an error,
  /// but another reader received it, so it was stored).
  case missing(room: String, reader: String, id: SoakEventID?, key: MessageKey, acknowledged: Bool)
  /// A message arrived twice.
  case duplicate(room: String, reader: String, id: SoakEventID?, key: MessageKey)
  /// A message arrived after one that follows it in the room.
  case outOfOrder(room: String, reader: String, id: SoakEventID, key: MessageKey, after: SoakEventID)
  /// The SDK reported missed messages.
  case gap(room: String, reader: String, lastID: String?, reason: String)
  /// A message no sender sent (or not in this room).
  case foreign(room: String, reader: String, id: String, label: String)
  /// One message under two ids.
  case storedTwice(room: String, reader: String, key: MessageKey, ids: [SoakEventID])
  /// An id that is not `EPOCH-SEQ`.
  case unreadableID(room: String, reader: String, id: String, key: MessageKey)

  /// The reader it concerns.
  var reader: String {
    switch self {
    case .missing(_, let reader, _, _, _), .duplicate(_, let reader, _, _), .outOfOrder(_, let reader, _, _, _),
      .gap(_, let reader, _, _), .foreign(_, let reader, _, _), .storedTwice(_, let reader, _, _),
      .unreadableID(_, let reader, _, _):
      reader
    }
  }

  /// The kind, for counts.
  var kind: String {
    switch self {
    case .missing: "missing"
    case .duplicate: "duplicate"
    case .outOfOrder: "out of order"
    case .gap: "gap"
    case .foreign: "foreign"
    case .storedTwice: "stored twice"
    case .unreadableID: "unreadable id"
    }
  }

  var description: String {
    switch self {
    case .missing(let room, let reader, let id, let key, let acknowledged):
      "missing: room \(room), subscriber \(reader), event \(id?.description ?? "(id never seen)"), "
        + "sender \(key)\(acknowledged ? "" : " (not acknowledged, but another reader received it)")"
    case .duplicate(let room, let reader, let id, let key):
      "duplicate: room \(room), reader \(reader), event \(id?.description ?? "(no id)"), sender \(key)"
    case .outOfOrder(let room, let reader, let id, let key, let after):
      "out of order: room \(room), reader \(reader), event \(id), sender \(key), after event \(after)"
    case .gap(let room, let reader, let lastID, let reason):
      "gap: room \(room), subscriber \(reader), after event \(lastID ?? "(none)"): \(reason)"
    case .foreign(let room, let reader, let id, let label):
      "foreign: room \(room), reader \(reader), event \(id.isEmpty ? "(no id)" : id), "
        + "a message no sender sent: \(label)"
    case .storedTwice(let room, let reader, let key, let ids):
      "stored twice: room \(room), sender \(key) under events "
        + "\(ids.map(\.description).joined(separator: " and ")) (seen by \(reader))"
    case .unreadableID(let room, let reader, let id, let key):
      "unreadable id: room \(room), reader \(reader), event \"\(id)\", sender \(key)"
    }
  }
}
