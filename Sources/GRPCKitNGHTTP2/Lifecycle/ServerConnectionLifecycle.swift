/// The lifecycle of one server connection as a value: keepalive, the client's ping policy,
/// maximum idle time and age, and the two-phase graceful close. It returns the
/// ``ConnectionLifecycleAction``s its handler performs; time comes in as arguments.
///
/// A graceful close (shutdown, maximum age, maximum idle) sends GOAWAY with last stream id
/// 2^31-1 and a PING; on the PING's ACK (or after the keepalive timeout) it sends the final
/// GOAWAY with the last stream the server processed, so a stream the client opened before it
/// saw the first GOAWAY is still served (RFC 9113 section 6.8). Open streams may then finish
/// until the grace period ends; the rest are ended with `UNAVAILABLE` and the connection closes.
/// The client's PINGs are policed as grpc-go and gRPC C core do (gRFC A8, A9): a PING sooner
/// than the minimum interval after the previous one is a strike, a strike is forgiven whenever
/// the server sends HEADERS or DATA, and more than the allowed strikes end the connection with
/// GOAWAY `ENHANCE_YOUR_CALM` "too_many_pings".
struct ServerConnectionLifecycle: Sendable {
  /// The limits, from ``NGHTTP2ServerConfiguration``.
  struct Configuration: Hashable, Sendable {
    var keepaliveInterval: Duration? = .seconds(7200)
    var keepaliveTimeout: Duration = .seconds(20)
    var minimumPingInterval: Duration = .seconds(300)
    var permitKeepaliveWithoutCalls = false
    var maximumPingStrikes = 2
    var maximumIdle: Duration?
    var maximumAge: Duration?
    var maximumAgeGrace: Duration?
    /// How long a finished connection waits for the peer to close before closing outright.
    var closeTimeout: Duration = .seconds(5)
  }

  /// Why the connection is closing gracefully.
  enum DrainReason: Hashable, Sendable {
    case idle
    case age
    case shutdown(gracePeriod: Duration)
  }

  /// gRFC A8: without calls, and unless permitted, a client may ping once per two hours.
  static let pingIntervalWithoutCalls: Duration = .seconds(7200)

  private enum Phase: Hashable {
    case active
    case draining(finalGoAwaySent: Bool, callsEnded: Bool)
    case closed
  }

  let configuration: Configuration
  private let goAwayPingData: UInt64
  private let ageJitter: Double
  private var phase = Phase.active
  private var openStreams: Set<Int32> = []
  private var keepalive: Keepalive?
  private var pingStrikes = 0
  private var lastPingReceived: ContinuousClock.Instant?
  private var graceDeadline: ContinuousClock.Instant?
  private var graceMessage = ""
  private var drainDebugData = ""

  /// Creates the state machine for a connection accepted at `now`.
  ///
  /// - Parameters:
  ///   - configuration: The limits.
  ///   - now: The current time.
  ///   - keepalivePingData: Opaque data of keepalive PINGs.
  ///   - goAwayPingData: Opaque data of the PING after the first GOAWAY.
  ///   - ageJitter: Spreads maximum ages by this fraction (grpc uses up to ±0.1) so connections
  ///     opened together do not all close together.
  init(
    configuration: Configuration,
    now: ContinuousClock.Instant,
    keepalivePingData: UInt64 = .random(in: .min ... .max),
    goAwayPingData: UInt64 = .random(in: .min ... .max),
    ageJitter: Double = .random(in: -0.1 ... 0.1)
  ) {
    self.configuration = configuration
    self.goAwayPingData = goAwayPingData
    self.ageJitter = ageJitter
    if let interval = configuration.keepaliveInterval {
      self.keepalive = Keepalive(
        interval: interval,
        timeout: configuration.keepaliveTimeout,
        pingData: keepalivePingData,
        now: now
      )
    }
  }

  /// The connection became active: starts the keepalive, idle and age timers.
  func start() -> [ConnectionLifecycleAction] {
    var actions = self.keepalive?.start() ?? []
    if let idle = self.configuration.maximumIdle { actions.append(.schedule(.idle, after: idle)) }
    if let age = self.configuration.maximumAge {
      actions.append(.schedule(.age, after: age * (1 + self.ageJitter)))
    }
    return actions
  }

  /// Bytes were read from the client.
  mutating func didRead(at now: ContinuousClock.Instant) -> [ConnectionLifecycleAction] {
    self.keepalive?.didRead(at: now) ?? []
  }

  /// The client opened a stream.
  mutating func streamOpened(_ streamID: Int32) -> [ConnectionLifecycleAction] {
    guard self.phase != .closed, self.openStreams.insert(streamID).inserted else { return [] }
    if self.openStreams.count == 1, self.phase == .active, self.configuration.maximumIdle != nil {
      return [.cancel(.idle)]
    }
    return []
  }

  /// A stream closed (it may be one that was never reported open).
  mutating func streamClosed(_ streamID: Int32) -> [ConnectionLifecycleAction] {
    guard self.openStreams.remove(streamID) != nil, self.openStreams.isEmpty else { return [] }
    switch self.phase {
    case .active:
      guard let idle = self.configuration.maximumIdle else { return [] }
      return [.schedule(.idle, after: idle)]
    case .draining(let finalGoAwaySent, _):
      return finalGoAwaySent ? self.finish() : []
    case .closed:
      return []
    }
  }

  /// The server sent HEADERS or DATA: the client's ping strikes are forgiven.
  mutating func sentHeadersOrData() {
    self.pingStrikes = 0
  }

  /// The client sent a PING (`ack` false) or acknowledged one of ours.
  mutating func pingReceived(
    data: UInt64,
    ack: Bool,
    at now: ContinuousClock.Instant
  ) -> [ConnectionLifecycleAction] {
    if ack {
      guard data == self.goAwayPingData, case .draining(false, _) = self.phase else { return [] }
      return self.sendFinalGoAway()
    }
    guard self.phase != .closed else { return [] }
    let minimum =
      self.openStreams.isEmpty && !self.configuration.permitKeepaliveWithoutCalls
      ? Self.pingIntervalWithoutCalls : self.configuration.minimumPingInterval
    if let last = self.lastPingReceived, last.duration(to: now) < minimum { self.pingStrikes += 1 }
    self.lastPingReceived = now
    guard self.pingStrikes > self.configuration.maximumPingStrikes else { return [] }
    return [.sendGoAway(errorCode: .enhanceYourCalm, debugData: "too_many_pings")]
      + self.finish()
  }

  /// Turns the connection away before any stream: GOAWAY `ENHANCE_YOUR_CALM` (last stream id 0)
  /// with `debugData`, then close; no timer of ``start()`` runs.
  mutating func refuse(debugData: String) -> [ConnectionLifecycleAction] {
    guard self.phase == .active else { return [] }
    let goAway = ConnectionLifecycleAction.sendGoAway(
      errorCode: .enhanceYourCalm, debugData: debugData)
    return [goAway] + self.finish()
  }

  /// Starts a graceful close, or shortens the grace period of one in progress.
  mutating func startDraining(
    _ reason: DrainReason,
    at now: ContinuousClock.Instant
  ) -> [ConnectionLifecycleAction] {
    var actions: [ConnectionLifecycleAction] = []
    switch self.phase {
    case .closed:
      return []
    case .draining:
      break
    case .active:
      self.phase = .draining(finalGoAwaySent: false, callsEnded: false)
      if self.configuration.maximumIdle != nil { actions.append(.cancel(.idle)) }
      if self.configuration.maximumAge != nil { actions.append(.cancel(.age)) }
      switch reason {
      case .idle: self.drainDebugData = "max_idle"
      case .age: self.drainDebugData = "max_age"
      case .shutdown: self.drainDebugData = "server_shutdown"
      }
      actions += [
        .sendShutdownNotice(pingData: self.goAwayPingData),
        .schedule(.goAwayPing, after: self.configuration.keepaliveTimeout),
      ]
    }
    let grace: (Duration, String)?
    switch reason {
    case .idle: grace = nil
    case .age:
      grace = self.configuration.maximumAgeGrace.map {
        (
          $0,
          "the connection reached its maximum age (\(self.configuration.maximumAge?.secondsDescription ?? "")) and its grace period (\($0.secondsDescription)) ended"
        )
      }
    case .shutdown(let period): grace = (period, "the server is shutting down")
    }
    if let (period, message) = grace,
      self.phase != .draining(finalGoAwaySent: true, callsEnded: true)
    {
      let deadline = now.advanced(by: period)
      if self.graceDeadline.map({ deadline < $0 }) ?? true {
        self.graceDeadline = deadline
        self.graceMessage = message
        actions.append(.schedule(.grace, after: period))
      }
    }
    return actions
  }

  /// A timer the handler scheduled fired.
  mutating func timerFired(
    _ timer: ConnectionTimer,
    at now: ContinuousClock.Instant
  ) -> [ConnectionLifecycleAction] {
    switch timer {
    case .keepalive:
      guard self.phase != .closed else { return [] }
      return self.keepalive?.timerFired(at: now, mayPing: true) ?? []
    case .keepaliveTimeout:
      guard self.phase != .closed, let message = self.keepalive?.timeoutFired() else { return [] }
      self.phase = .closed
      return [.abort(message: message)]
    case .idle:
      guard self.phase == .active, self.openStreams.isEmpty else { return [] }
      return self.startDraining(.idle, at: now)
    case .age:
      return self.startDraining(.age, at: now)
    case .goAwayPing:
      guard case .draining(false, _) = self.phase else { return [] }
      return self.sendFinalGoAway()
    case .grace:
      guard case .draining(let finalGoAwaySent, false) = self.phase else { return [] }
      var actions = finalGoAwaySent ? [] : self.sendFinalGoAway()
      guard case .draining = self.phase else { return actions }
      self.phase = .draining(finalGoAwaySent: true, callsEnded: true)
      actions += [
        .endCalls(message: self.graceMessage),
        .schedule(.closeDeadline, after: self.configuration.closeTimeout),
      ]
      return actions
    case .closeDeadline:
      guard
        self.phase == .closed || self.phase == .draining(finalGoAwaySent: true, callsEnded: true)
      else {
        return []
      }
      self.phase = .closed
      return [
        .abort(
          message:
            "the connection did not finish closing within \(self.configuration.closeTimeout.secondsDescription)"
        )
      ]
    }
  }

  /// The connection closed: nothing more to do.
  mutating func closed() {
    self.phase = .closed
  }

  private mutating func sendFinalGoAway() -> [ConnectionLifecycleAction] {
    guard case .draining(_, let callsEnded) = self.phase else { return [] }
    self.phase = .draining(finalGoAwaySent: true, callsEnded: callsEnded)
    let actions: [ConnectionLifecycleAction] = [
      .cancel(.goAwayPing), .sendGoAway(errorCode: .noError, debugData: self.drainDebugData),
    ]
    return self.openStreams.isEmpty ? actions + self.finish() : actions
  }

  private mutating func finish() -> [ConnectionLifecycleAction] {
    self.phase = .closed
    return [.close, .schedule(.closeDeadline, after: self.configuration.closeTimeout)]
  }
}
