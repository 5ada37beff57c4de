/// How long a Redis connection waits before connecting again after a failure: the first wait is
/// `initial`, each later one `multiplier` times longer up to `maximum`, every wait randomised by
/// ±`jitter`. A successful connection starts over at `initial`.
///
/// The defaults: 100 ms, ×1.6, ±20%, 5 s.
///
/// ```swift
/// var configuration = try RedisConfiguration(url: "redis://10.0.0.3")
/// configuration.backoff = RedisBackoff(initial: .milliseconds(50), maximum: .seconds(2))
/// ```
public struct RedisBackoff: Sendable, Hashable {
  /// The wait after the first failure.
  public var initial: Duration
  /// The factor each later wait grows by (at least 1).
  public var multiplier: Double
  /// The randomisation of each wait, as a fraction of it (0.2: ±20%).
  public var jitter: Double
  /// The longest wait.
  public var maximum: Duration

  /// Creates a backoff policy.
  ///
  /// - Parameters:
  ///   - initial: The wait after the first failure.
  ///   - multiplier: The growth factor (at least 1).
  ///   - jitter: The randomisation, 0...1.
  ///   - maximum: The longest wait.
  public init(
    initial: Duration = .milliseconds(100),
    multiplier: Double = 1.6,
    jitter: Double = 0.2,
    maximum: Duration = .seconds(5)
  ) {
    self.initial = initial
    self.multiplier = max(1, multiplier)
    self.jitter = min(max(0, jitter), 1)
    self.maximum = maximum
  }
}
