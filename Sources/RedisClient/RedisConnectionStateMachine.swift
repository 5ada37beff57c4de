/// The life of a client's command connection: connected on first use, and after a failure
/// (a failed connect or a lost connection) not again before the backoff delay has passed;
/// commands in between fail at once, naming the last failure.
///
/// Each connection attempt has a number, so that late news of an earlier attempt is recognised.
/// Time and randomness are arguments, so that the rules are tested exactly.
package struct RedisConnectionStateMachine: Sendable {
  package enum State: Sendable, Hashable {
    /// No connection; the next command connects.
    case idle
    case connecting(attempt: Int)
    case ready(attempt: Int)
    /// After `failure`, no attempt before `until`.
    case backingOff(until: ContinuousClock.Instant, failure: RedisFailure)
    case shutdown
  }

  package enum Action: Sendable, Hashable {
    /// Use the current connection.
    case useConnection
    /// Wait for the attempt in progress.
    case waitForConnection
    /// Start attempt `attempt`.
    case connect(attempt: Int)
    /// Fail the command at once.
    case fail(RedisFailure)
  }

  package private(set) var state: State = .idle
  private var backoff: RedisBackoffSchedule
  private var attempts = 0

  package init(backoff: RedisBackoff) {
    self.backoff = RedisBackoffSchedule(policy: backoff)
  }

  /// A command needs the connection.
  package mutating func requestConnection(now: ContinuousClock.Instant) -> Action {
    switch self.state {
    case .idle:
      return self.startAttempt()
    case .connecting:
      return .waitForConnection
    case .ready:
      return .useConnection
    case .backingOff(let until, let failure):
      guard now < until else { return self.startAttempt() }
      return .fail(
        RedisFailure(
          .connectionFailed,
          "not connected: \(failure.detail) (next attempt in \((until - now).redisText))"
        )
      )
    case .shutdown:
      return .fail(RedisFailure(.shutdown, "the client was closed"))
    }
  }

  /// Attempt `attempt` connected. Returns false when it is no longer wanted (close it).
  package mutating func connectSucceeded(attempt: Int) -> Bool {
    guard case .connecting(attempt) = self.state else { return false }
    self.state = .ready(attempt: attempt)
    self.backoff.reset()
    return true
  }

  /// Attempt `attempt` failed with `failure`.
  package mutating func connectFailed(
    attempt: Int,
    failure: RedisFailure,
    now: ContinuousClock.Instant,
    using random: inout some RandomNumberGenerator
  ) {
    guard case .connecting(attempt) = self.state else { return }
    self.state = .backingOff(until: now + self.backoff.nextDelay(using: &random), failure: failure)
  }

  /// The connection of `attempt` closed with `failure`. Returns true if it was the current one.
  @discardableResult
  package mutating func connectionLost(
    attempt: Int,
    failure: RedisFailure,
    now: ContinuousClock.Instant,
    using random: inout some RandomNumberGenerator
  ) -> Bool {
    guard case .ready(attempt) = self.state else { return false }
    self.state = .backingOff(until: now + self.backoff.nextDelay(using: &random), failure: failure)
    return true
  }

  /// The client was closed: every later command fails with `.shutdown`.
  package mutating func shutDown() {
    self.state = .shutdown
  }

  private mutating func startAttempt() -> Action {
    self.attempts += 1
    self.state = .connecting(attempt: self.attempts)
    return .connect(attempt: self.attempts)
  }
}
