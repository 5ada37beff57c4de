internal import NIOCore

extension Duration {
  /// `300 ms`, `5 s`, `1.5 s`: for messages.
  var redisText: String {
    let milliseconds = self.redisNanoseconds / 1_000_000
    if milliseconds < 1000 { return "\(milliseconds) ms" }
    if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
    return "\(Double(milliseconds) / 1000) s"
  }

  /// The duration in nanoseconds, saturating at the bounds of `Int64`.
  var redisNanoseconds: Int64 {
    let (seconds, attoseconds) = self.components
    let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    if overflow { return seconds < 0 ? .min : .max }
    let (sum, overflowed) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
    return overflowed ? (seconds < 0 ? .min : .max) : sum
  }

  /// The same duration as NIO's `TimeAmount`.
  var timeAmount: TimeAmount { .nanoseconds(self.redisNanoseconds) }
}
