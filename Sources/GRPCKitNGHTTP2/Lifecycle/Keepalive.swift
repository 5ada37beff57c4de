/// The sending side of HTTP/2 keepalive: after `interval` without reading anything, the
/// connection sends a PING; when nothing at all is read within `timeout` after it, the peer is
/// considered gone.
///
/// A value owned by a connection's state machine; time comes in as arguments, so it is tested
/// without clocks or sockets.
struct Keepalive: Hashable, Sendable {
  /// Quiet time after which a PING is sent.
  let interval: Duration
  /// How long the peer has to answer (any frame counts).
  let timeout: Duration
  /// The opaque data of keepalive PINGs.
  let pingData: UInt64
  private var lastRead: ContinuousClock.Instant
  private(set) var awaitingAck = false

  init(interval: Duration, timeout: Duration, pingData: UInt64, now: ContinuousClock.Instant) {
    self.interval = interval
    self.timeout = timeout
    self.pingData = pingData
    self.lastRead = now
  }

  /// The connection started: the first check runs one interval from now.
  func start() -> [ConnectionLifecycleAction] {
    [.schedule(.keepalive, after: self.interval)]
  }

  /// Something was read: the peer is alive.
  mutating func didRead(at now: ContinuousClock.Instant) -> [ConnectionLifecycleAction] {
    self.lastRead = now
    guard self.awaitingAck else { return [] }
    self.awaitingAck = false
    return [.cancel(.keepaliveTimeout), .schedule(.keepalive, after: self.interval)]
  }

  /// The keepalive timer fired.
  ///
  /// - Parameter mayPing: false when pinging is not allowed now (a client without calls that
  ///   may not ping without calls); the check runs again one interval later.
  mutating func timerFired(
    at now: ContinuousClock.Instant,
    mayPing: Bool
  ) -> [ConnectionLifecycleAction] {
    guard !self.awaitingAck else { return [] }
    let quiet = self.lastRead.duration(to: now)
    if quiet < self.interval { return [.schedule(.keepalive, after: self.interval - quiet)] }
    guard mayPing else { return [.schedule(.keepalive, after: self.interval)] }
    self.awaitingAck = true
    return [.sendPing(self.pingData), .schedule(.keepaliveTimeout, after: self.timeout)]
  }

  /// The timeout after a PING fired: the peer did not answer.
  /// - Returns: the message calls end with, or `nil` if the peer answered in the meantime.
  func timeoutFired() -> String? {
    guard self.awaitingAck else { return nil }
    return "keepalive ping not acknowledged within \(self.timeout.secondsDescription)"
  }
}
