package import ChatAPI

/// One stored message of a room and its id.
package struct RoomRecord: Sendable {
  package var id: RoomEventID
  package var message: ChatMessage

  package init(id: RoomEventID, message: ChatMessage) {
    self.id = id
    self.message = message
  }
}

/// The last `capacity` messages of a room, oldest first: a ring buffer that overwrites the
/// oldest record once full, so a room never holds more than its history size.
struct RoomHistory: Sendable {
  let capacity: Int
  private var storage: [RoomRecord] = []
  /// The index of the oldest record once `storage` is full.
  private var head = 0

  init(capacity: Int) {
    self.capacity = max(0, capacity)
  }

  var count: Int { self.storage.count }

  /// The oldest retained record.
  var first: RoomRecord? {
    self.storage.isEmpty ? nil : self.storage[self.head]
  }

  /// Appends a record, dropping the oldest when full.
  mutating func append(_ record: RoomRecord) {
    guard self.capacity > 0 else { return }
    if self.storage.count < self.capacity {
      self.storage.append(record)
    } else {
      self.storage[self.head] = record
      self.head += 1
      if self.head == self.capacity { self.head = 0 }
    }
  }

  /// Forgets every record.
  mutating func removeAll() {
    self.storage.removeAll(keepingCapacity: false)
    self.head = 0
  }

  /// The retained records whose sequence number is above `sequence`, oldest first. Records are
  /// contiguous, so the start is found by arithmetic.
  func records(after sequence: UInt64) -> ArraySlice<RoomRecord> {
    guard let first = self.first else { return [] }
    let skip = sequence >= first.id.sequence ? Int(sequence - first.id.sequence) + 1 : 0
    guard skip < self.storage.count else { return [] }
    var result: [RoomRecord] = []
    result.reserveCapacity(self.storage.count - skip)
    for offset in skip..<self.storage.count {
      result.append(self.storage[(self.head + offset) % self.storage.count])
    }
    return result[...]
  }
}
