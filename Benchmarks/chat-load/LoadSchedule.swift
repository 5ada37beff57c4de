/// The measurement window, fixed before the first stream starts: only messages received in
/// `measureStart..<end` count, and streams stop sending at `end`.
struct LoadSchedule: Sendable {
  /// When the warm-up ends (monotonic nanoseconds).
  let measureStart: UInt64
  /// When the measurement ends and streams half-close.
  let end: UInt64
  /// How long after `end` unfinished streams are cancelled.
  let drain: UInt64

  /// A schedule that starts now.
  init(warmup: Double, duration: Double, drain: Double = 5) {
    self.measureStart = MonotonicClock.now() + MonotonicClock.nanoseconds(seconds: warmup)
    self.end = self.measureStart + MonotonicClock.nanoseconds(seconds: duration)
    self.drain = MonotonicClock.nanoseconds(seconds: drain)
  }

  /// True if a message received at `time` counts.
  func isMeasuring(_ time: UInt64) -> Bool {
    time >= self.measureStart && time < self.end
  }

  /// Sleeps until `deadline` (monotonic nanoseconds); returns early when cancelled.
  static func sleep(until deadline: UInt64) async {
    let now = MonotonicClock.now()
    guard deadline > now else { return }
    try? await Task.sleep(for: .nanoseconds(Int64(deadline - now)))
  }
}
