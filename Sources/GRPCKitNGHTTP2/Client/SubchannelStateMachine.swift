/// The connectivity of one address of a client channel, after gRPC's subchannel states: IDLE
/// (no connection; connects when a call needs it), CONNECTING, READY, TRANSIENT_FAILURE
/// (waiting out the backoff after a failed attempt), SHUTDOWN.
///
/// Each connection attempt has a number, so that late news of an earlier attempt (a connect
/// that completes after shutdown, a GOAWAY on a connection already replaced) is recognised.
package struct SubchannelStateMachine: Sendable {
  package enum State: Sendable, Hashable {
    case idle
    case connecting(attempt: Int)
    case ready(attempt: Int)
    case transientFailure(error: String)
    case shutdown
  }

  package enum Action: Sendable, Hashable {
    case none
    /// Open a connection for attempt `attempt`, giving up after `timeout`.
    case connect(attempt: Int, timeout: Duration)
    /// The attempt connected: calls may use it.
    case becameReady
    /// The connection of a stale attempt is not wanted: close it.
    case closeConnection
    /// Wait `delay`, then report ``retryTimerFired(wanted:)``.
    case scheduleRetry(delay: Duration)
  }

  package private(set) var state: State = .idle
  private var backoff: ConnectionBackoffSchedule
  private var attempts = 0

  package init(backoff: ConnectionBackoff) {
    self.backoff = ConnectionBackoffSchedule(policy: backoff)
  }

  /// A call needs a connection: an idle subchannel starts connecting.
  package mutating func requestConnection() -> Action {
    guard case .idle = self.state else { return .none }
    return self.startAttempt()
  }

  /// Attempt `attempt` connected.
  package mutating func connectSucceeded(attempt: Int) -> Action {
    guard case .connecting(attempt) = self.state else { return .closeConnection }
    self.state = .ready(attempt: attempt)
    self.backoff.reset()
    return .becameReady
  }

  /// Attempt `attempt` failed with `error`: wait out the backoff.
  package mutating func connectFailed(
    attempt: Int,
    error: String,
    using random: inout some RandomNumberGenerator
  ) -> Action {
    guard case .connecting(attempt) = self.state else { return .none }
    self.state = .transientFailure(error: error)
    return .scheduleRetry(delay: self.backoff.nextDelay(using: &random))
  }

  /// The backoff passed: connect again if calls are waiting (`wanted`), else become idle and
  /// connect when the next call needs it.
  package mutating func retryTimerFired(wanted: Bool) -> Action {
    guard case .transientFailure = self.state else { return .none }
    if wanted { return self.startAttempt() }
    self.state = .idle
    return .none
  }

  /// The connection of `attempt` stopped taking calls (GOAWAY, closed): the next call connects
  /// anew. Returns true if that was the current connection.
  package mutating func connectionLost(attempt: Int) -> Bool {
    guard case .ready(attempt) = self.state else { return false }
    self.state = .idle
    return true
  }

  /// The address is no longer used.
  package mutating func shutDown() {
    self.state = .shutdown
  }

  private mutating func startAttempt() -> Action {
    self.attempts += 1
    self.state = .connecting(attempt: self.attempts)
    return .connect(attempt: self.attempts, timeout: self.backoff.connectTimeout)
  }
}
