/// What one stream measured; each stream keeps its own, so the hot loop takes no lock, and the
/// tallies are merged once at the end.
struct StreamTally: Sendable {
  /// Echoes (echo role) or deliveries (listener role) received inside the measurement window.
  var messages: UInt64 = 0
  /// Round trips of echoes received inside the window (echo and sender roles).
  var latency = LatencyHistogram()
  /// 1 if the stream failed after the warm-up.
  var errors: UInt64 = 0

  /// Adds `other` into this tally.
  mutating func merge(_ other: StreamTally) {
    self.messages &+= other.messages
    self.latency.merge(other.latency)
    self.errors &+= other.errors
  }
}
