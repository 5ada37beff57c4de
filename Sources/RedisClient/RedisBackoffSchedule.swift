/// The waits between one connection's attempts; restarts after a successful connection.
///
/// A value type with the random source passed in, so that schedules are tested exactly.
package struct RedisBackoffSchedule: Sendable {
  package let policy: RedisBackoff
  /// The un-randomised wait after the next failure.
  package private(set) var current: Duration

  package init(policy: RedisBackoff) {
    self.policy = policy
    self.current = policy.initial
  }

  /// The wait after a failure; grows the one after.
  ///
  /// - Parameter random: The source of the jitter.
  /// - Returns: `current` randomised by ±jitter.
  package mutating func nextDelay(using random: inout some RandomNumberGenerator) -> Duration {
    let base = self.current
    self.current = min(base * self.policy.multiplier, self.policy.maximum)
    guard self.policy.jitter > 0 else { return base }
    let factor = Double.random(in: -self.policy.jitter ... self.policy.jitter, using: &random)
    return max(.zero, base + base * factor)
  }

  /// A successful connection: the next failure waits `initial` again.
  package mutating func reset() {
    self.current = self.policy.initial
  }
}
