/// Send times of the messages a stream has not seen echoed yet, oldest first: a fixed ring, so
/// the hot loop allocates nothing. Echoes come back in send order (one room, one sender).
struct SendTimes {
  private var times: [UInt64]
  private var head = 0
  /// How many messages are in flight.
  private(set) var count = 0

  /// A ring for at most `capacity` messages in flight.
  init(capacity: Int) {
    self.times = [UInt64](repeating: 0, count: capacity)
  }

  /// The window is full.
  var isFull: Bool { self.count == self.times.count }

  /// Records a message sent at `time`; the caller checks ``isFull`` first.
  mutating func append(_ time: UInt64) {
    var slot = self.head + self.count
    if slot >= self.times.count { slot -= self.times.count }
    self.times[slot] = time
    self.count += 1
  }

  /// The send time of the oldest message in flight, removed; nil when none is.
  mutating func popFirst() -> UInt64? {
    guard self.count > 0 else { return nil }
    let time = self.times[self.head]
    self.head += 1
    if self.head == self.times.count { self.head = 0 }
    self.count -= 1
    return time
  }
}
