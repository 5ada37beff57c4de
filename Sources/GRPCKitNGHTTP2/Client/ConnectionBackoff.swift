/// How a client waits between attempts to connect to one address, after gRPC's connection
/// backoff ("gRPC Connection Backoff Protocol"): the first retry waits `initial`, each later one
/// `multiplier` times longer up to `maximum`, every wait randomised by ±`jitter`; each attempt
/// may take the larger of the current backoff and `minimumConnectTimeout`.
///
/// The defaults are gRPC's: 1 s, 1.6, 0.2, 120 s, 20 s.
///
/// ```swift
/// var configuration = NGHTTP2ClientConfiguration()
/// configuration.backoff = ConnectionBackoff(initial: .milliseconds(100), maximum: .seconds(5))
/// ```
public struct ConnectionBackoff: Sendable, Hashable {
  /// The wait before the first retry.
  public var initial: Duration
  /// The factor each later wait grows by.
  public var multiplier: Double
  /// The randomisation of each wait, as a fraction of it (0.2: ±20%).
  public var jitter: Double
  /// The longest wait.
  public var maximum: Duration
  /// The least time one connection attempt may take.
  public var minimumConnectTimeout: Duration

  /// Creates a backoff policy.
  ///
  /// - Parameters:
  ///   - initial: The wait before the first retry.
  ///   - multiplier: The growth factor (at least 1).
  ///   - jitter: The randomisation, 0...1.
  ///   - maximum: The longest wait.
  ///   - minimumConnectTimeout: The least time one attempt may take.
  public init(
    initial: Duration = .seconds(1),
    multiplier: Double = 1.6,
    jitter: Double = 0.2,
    maximum: Duration = .seconds(120),
    minimumConnectTimeout: Duration = .seconds(20)
  ) {
    self.initial = initial
    self.multiplier = max(1, multiplier)
    self.jitter = min(max(0, jitter), 1)
    self.maximum = maximum
    self.minimumConnectTimeout = minimumConnectTimeout
  }
}

/// The waits of one address's reconnection attempts; restarts after a successful connection.
///
/// A value type with the random source passed in, so that schedules are tested exactly.
package struct ConnectionBackoffSchedule: Sendable {
  package let policy: ConnectionBackoff
  /// The un-randomised wait before the next retry.
  package private(set) var current: Duration

  package init(policy: ConnectionBackoff) {
    self.policy = policy
    self.current = policy.initial
  }

  /// How long the next connection attempt may take: the larger of the current backoff and the
  /// minimum connect timeout.
  package var connectTimeout: Duration {
    max(self.current, self.policy.minimumConnectTimeout)
  }

  /// The wait before the next attempt after a failed one; grows the backoff for the one after.
  ///
  /// - Parameter random: The source of the jitter.
  /// - Returns: `current` randomised by ±jitter.
  package mutating func nextDelay(using random: inout some RandomNumberGenerator) -> Duration {
    let base = self.current
    let grown = base * self.policy.multiplier
    self.current = min(grown, self.policy.maximum)
    guard self.policy.jitter > 0 else { return base }
    let factor = Double.random(in: -self.policy.jitter...self.policy.jitter, using: &random)
    return max(.zero, base + base * factor)
  }

  /// A successful connection: the next failure waits `initial` again.
  package mutating func reset() {
    self.current = self.policy.initial
  }
}
