extension Duration {
  /// The duration in whole nanoseconds, saturating at `Int64.max` (for NIO's `TimeAmount`).
  var saturatingNanoseconds: Int64 {
    let (seconds, attoseconds) = self.components
    let (total, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    return overflow ? Int64.max : total &+ attoseconds / 1_000_000_000
  }
}
