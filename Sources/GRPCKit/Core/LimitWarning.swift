import GRPCLocking
package import Logging

/// A warning logged when a server limit turns something away, at most once per `interval`, so a
/// flood of rejections writes one line per interval (with how many it stands for), not one per
/// rejection.
package final class LimitWarning: Sendable {
  private struct State {
    var lastLogged: ContinuousClock.Instant?
    var unlogged = 0
  }
  private let message: Logger.Message
  private let interval: Duration
  private let state = Mutex(State())

  /// Creates the warning.
  ///
  /// - Parameters:
  ///   - message: The line logged.
  ///   - interval: The least time between two lines.
  package init(_ message: Logger.Message, interval: Duration = .seconds(10)) {
    self.message = message
    self.interval = interval
  }

  /// Records one rejection and logs the warning unless one was logged within the interval;
  /// `grpc.rejected` counts the rejections the line stands for (this one and those not logged
  /// since the last line).
  ///
  /// - Parameters:
  ///   - logger: Where to log.
  ///   - metadata: Metadata of this rejection (the limit, the peer).
  ///   - now: The current time.
  package func record(
    to logger: Logger,
    metadata: Logger.Metadata,
    now: ContinuousClock.Instant = .now
  ) {
    let rejected = self.state.withLock { state -> Int? in
      state.unlogged += 1
      if let last = state.lastLogged, last.duration(to: now) < self.interval { return nil }
      state.lastLogged = now
      defer { state.unlogged = 0 }
      return state.unlogged
    }
    guard let rejected else { return }
    var metadata = metadata
    metadata["grpc.rejected"] = "\(rejected)"
    logger.warning(self.message, metadata: metadata)
  }
}
