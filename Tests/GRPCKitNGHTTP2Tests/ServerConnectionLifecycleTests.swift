import Testing

@testable import GRPCKitNGHTTP2

@Suite("Server connection lifecycle state machine")
struct ServerConnectionLifecycleTests {
  static let start = ContinuousClock.now
  static let keepalivePing: UInt64 = 0x1111
  static let goAwayPing: UInt64 = 0x2222

  static func makeLifecycle(
    _ configure: (inout ServerConnectionLifecycle.Configuration) -> Void = { _ in }
  ) -> ServerConnectionLifecycle {
    var configuration = ServerConnectionLifecycle.Configuration()
    configure(&configuration)
    return ServerConnectionLifecycle(
      configuration: configuration,
      now: start,
      keepalivePingData: keepalivePing,
      goAwayPingData: goAwayPing,
      ageJitter: 0
    )
  }

  static func at(_ seconds: Double) -> ContinuousClock.Instant {
    start.advanced(by: .seconds(seconds))
  }

  // MARK: Keepalive

  @Test("Starting schedules keepalive, idle and age timers as configured")
  func startSchedulesTimers() {
    let lifecycle = Self.makeLifecycle {
      $0.keepaliveInterval = .seconds(10)
      $0.maximumIdle = .seconds(20)
      $0.maximumAge = .seconds(30)
    }
    #expect(
      lifecycle.start() == [
        .schedule(.keepalive, after: .seconds(10)), .schedule(.idle, after: .seconds(20)),
        .schedule(.age, after: .seconds(30)),
      ]
    )
  }

  @Test("Maximum age is spread by the jitter")
  func ageJitter() {
    var configuration = ServerConnectionLifecycle.Configuration()
    configuration.keepaliveInterval = nil
    configuration.maximumAge = .seconds(100)
    let lifecycle = ServerConnectionLifecycle(
      configuration: configuration,
      now: Self.start,
      ageJitter: -0.1
    )
    #expect(lifecycle.start() == [.schedule(.age, after: .seconds(90))])
  }

  @Test("The keepalive timer sends a PING when nothing was read for the interval")
  func keepalivePingAfterQuietInterval() {
    var lifecycle = Self.makeLifecycle { $0.keepaliveInterval = .seconds(10) }
    _ = lifecycle.start()
    #expect(
      lifecycle.timerFired(.keepalive, at: Self.at(10)) == [
        .sendPing(Self.keepalivePing), .schedule(.keepaliveTimeout, after: .seconds(20)),
      ]
    )
  }

  @Test("A read during the interval postpones the keepalive PING")
  func readPostponesKeepalive() {
    var lifecycle = Self.makeLifecycle { $0.keepaliveInterval = .seconds(10) }
    #expect(lifecycle.didRead(at: Self.at(4)) == [])
    #expect(
      lifecycle.timerFired(.keepalive, at: Self.at(10)) == [
        .schedule(.keepalive, after: .seconds(4))
      ]
    )
  }

  @Test("Anything read after the keepalive PING cancels its timeout")
  func readCancelsKeepaliveTimeout() {
    var lifecycle = Self.makeLifecycle { $0.keepaliveInterval = .seconds(10) }
    _ = lifecycle.timerFired(.keepalive, at: Self.at(10))
    #expect(
      lifecycle.didRead(at: Self.at(11)) == [
        .cancel(.keepaliveTimeout), .schedule(.keepalive, after: .seconds(10)),
      ]
    )
    #expect(lifecycle.timerFired(.keepaliveTimeout, at: Self.at(30)) == [])
  }

  @Test("No answer to the keepalive PING within the timeout aborts the connection")
  func keepaliveTimeoutAborts() {
    var lifecycle = Self.makeLifecycle { $0.keepaliveInterval = .seconds(10) }
    _ = lifecycle.timerFired(.keepalive, at: Self.at(10))
    #expect(
      lifecycle.timerFired(.keepaliveTimeout, at: Self.at(30)) == [
        .abort(message: "keepalive ping not acknowledged within 20s")
      ]
    )
  }

  // MARK: Ping policy

  @Test("Pings without calls more often than every two hours end the connection after two strikes")
  func pingsWithoutCallsAreStrikes() {
    var lifecycle = Self.makeLifecycle()
    #expect(lifecycle.pingReceived(data: 1, ack: false, at: Self.at(0)) == [])
    #expect(lifecycle.pingReceived(data: 1, ack: false, at: Self.at(1)) == [])
    #expect(lifecycle.pingReceived(data: 1, ack: false, at: Self.at(2)) == [])
    #expect(
      lifecycle.pingReceived(data: 1, ack: false, at: Self.at(3)) == [
        .sendGoAway(errorCode: .enhanceYourCalm, debugData: "too_many_pings"), .close,
        .schedule(.closeDeadline, after: .seconds(5)),
      ]
    )
  }

  @Test("With an open call, pings at the minimum interval are accepted")
  func pingsAtMinimumIntervalAccepted() {
    var lifecycle = Self.makeLifecycle { $0.minimumPingInterval = .seconds(60) }
    _ = lifecycle.streamOpened(1)
    for minute in 0 ..< 10 {
      #expect(lifecycle.pingReceived(data: 1, ack: false, at: Self.at(Double(minute) * 60)) == [])
    }
  }

  @Test("Permitting keepalive without calls applies the minimum interval without calls")
  func permitWithoutCalls() {
    var lifecycle = Self.makeLifecycle {
      $0.minimumPingInterval = .seconds(60)
      $0.permitKeepaliveWithoutCalls = true
    }
    for minute in 0 ..< 5 {
      #expect(lifecycle.pingReceived(data: 1, ack: false, at: Self.at(Double(minute) * 60)) == [])
    }
  }

  @Test("Sending headers or data forgives the client's strikes")
  func sendingForgivesStrikes() {
    var lifecycle = Self.makeLifecycle()
    _ = lifecycle.streamOpened(1)
    for second in 0 ..< 10 {
      #expect(lifecycle.pingReceived(data: 1, ack: false, at: Self.at(Double(second))) == [])
      lifecycle.sentHeadersOrData()
    }
  }

  // MARK: Idle and age

  @Test("Opening a stream cancels the idle timer and closing the last one restarts it")
  func idleTimerFollowsStreams() {
    var lifecycle = Self.makeLifecycle { $0.maximumIdle = .seconds(20) }
    #expect(lifecycle.streamOpened(1) == [.cancel(.idle)])
    #expect(lifecycle.streamOpened(3) == [])
    #expect(lifecycle.streamClosed(1) == [])
    #expect(lifecycle.streamClosed(3) == [.schedule(.idle, after: .seconds(20))])
  }

  @Test("Maximum idle starts the two-phase GOAWAY and closes once the PING is acknowledged")
  func idleClosesGracefully() {
    var lifecycle = Self.makeLifecycle { $0.maximumIdle = .seconds(20) }
    #expect(
      lifecycle.timerFired(.idle, at: Self.at(20)) == [
        .cancel(.idle), .sendShutdownNotice(pingData: Self.goAwayPing),
        .schedule(.goAwayPing, after: .seconds(20)),
      ]
    )
    #expect(
      lifecycle.pingReceived(data: Self.goAwayPing, ack: true, at: Self.at(20.1)) == [
        .cancel(.goAwayPing), .sendGoAway(errorCode: .noError, debugData: "max_idle"), .close,
        .schedule(.closeDeadline, after: .seconds(5)),
      ]
    )
  }

  @Test("Maximum age drains open streams, then ends them when the age grace ends")
  func ageGraceEndsCalls() {
    var lifecycle = Self.makeLifecycle {
      $0.maximumAge = .seconds(60)
      $0.maximumAgeGrace = .seconds(5)
    }
    _ = lifecycle.streamOpened(1)
    let drain = lifecycle.timerFired(.age, at: Self.at(60))
    #expect(drain.contains(.sendShutdownNotice(pingData: Self.goAwayPing)))
    #expect(drain.contains(.schedule(.grace, after: .seconds(5))))
    #expect(
      lifecycle.pingReceived(data: Self.goAwayPing, ack: true, at: Self.at(60.1)) == [
        .cancel(.goAwayPing), .sendGoAway(errorCode: .noError, debugData: "max_age"),
      ]
    )
    #expect(
      lifecycle.timerFired(.grace, at: Self.at(65)) == [
        .endCalls(
          message: "the connection reached its maximum age (60s) and its grace period (5s) ended"
        ),
        .schedule(.closeDeadline, after: .seconds(5)),
      ]
    )
    #expect(lifecycle.streamClosed(1) == [.close, .schedule(.closeDeadline, after: .seconds(5))])
  }

  @Test("A stream that finishes within the age grace lets the connection close")
  func streamFinishingWithinGraceCloses() {
    var lifecycle = Self.makeLifecycle { $0.maximumAge = .seconds(60) }
    _ = lifecycle.streamOpened(1)
    _ = lifecycle.timerFired(.age, at: Self.at(60))
    _ = lifecycle.pingReceived(data: Self.goAwayPing, ack: true, at: Self.at(60.1))
    #expect(lifecycle.streamClosed(1) == [.close, .schedule(.closeDeadline, after: .seconds(5))])
  }

  // MARK: Graceful shutdown

  @Test("Graceful shutdown sends the GOAWAY notice and a PING, then the final GOAWAY on the ACK")
  func shutdownTwoPhase() {
    var lifecycle = Self.makeLifecycle()
    _ = lifecycle.streamOpened(1)
    #expect(
      lifecycle.startDraining(.shutdown(gracePeriod: .seconds(30)), at: Self.at(1)) == [
        .sendShutdownNotice(pingData: Self.goAwayPing), .schedule(.goAwayPing, after: .seconds(20)),
        .schedule(.grace, after: .seconds(30)),
      ]
    )
    #expect(lifecycle.pingReceived(data: 1, ack: true, at: Self.at(1.1)) == [])
    #expect(
      lifecycle.pingReceived(data: Self.goAwayPing, ack: true, at: Self.at(1.2)) == [
        .cancel(.goAwayPing), .sendGoAway(errorCode: .noError, debugData: "server_shutdown"),
      ]
    )
  }

  @Test("Without the PING's ACK the final GOAWAY goes out after the keepalive timeout")
  func finalGoAwayWithoutAck() {
    var lifecycle = Self.makeLifecycle()
    _ = lifecycle.startDraining(.shutdown(gracePeriod: .seconds(30)), at: Self.at(0))
    #expect(
      lifecycle.timerFired(.goAwayPing, at: Self.at(20)) == [
        .cancel(.goAwayPing), .sendGoAway(errorCode: .noError, debugData: "server_shutdown"), .close,
        .schedule(.closeDeadline, after: .seconds(5)),
      ]
    )
  }

  @Test("A stream opened before the final GOAWAY keeps the connection open until it closes")
  func streamOpenedDuringNoticeIsServed() {
    var lifecycle = Self.makeLifecycle()
    _ = lifecycle.startDraining(.shutdown(gracePeriod: .seconds(30)), at: Self.at(0))
    _ = lifecycle.streamOpened(1)
    #expect(lifecycle.streamClosed(1) == [])
    _ = lifecycle.streamOpened(3)
    #expect(
      !lifecycle.pingReceived(data: Self.goAwayPing, ack: true, at: Self.at(0.1)).contains(.close)
    )
    #expect(lifecycle.streamClosed(3) == [.close, .schedule(.closeDeadline, after: .seconds(5))])
  }

  @Test("At the end of the shutdown grace period open calls end with UNAVAILABLE")
  func shutdownGraceEndsCalls() {
    var lifecycle = Self.makeLifecycle()
    _ = lifecycle.streamOpened(1)
    _ = lifecycle.startDraining(.shutdown(gracePeriod: .seconds(3)), at: Self.at(0))
    #expect(
      lifecycle.timerFired(.grace, at: Self.at(3)) == [
        .cancel(.goAwayPing), .sendGoAway(errorCode: .noError, debugData: "server_shutdown"),
        .endCalls(message: "the server is shutting down"),
        .schedule(.closeDeadline, after: .seconds(5)),
      ]
    )
  }

  @Test("Shutdown during a maximum-age drain shortens the grace period")
  func shutdownShortensAgeGrace() {
    var lifecycle = Self.makeLifecycle {
      $0.maximumAge = .seconds(60)
      $0.maximumAgeGrace = .seconds(600)
    }
    _ = lifecycle.streamOpened(1)
    _ = lifecycle.timerFired(.age, at: Self.at(60))
    #expect(
      lifecycle.startDraining(.shutdown(gracePeriod: .seconds(10)), at: Self.at(61)) == [
        .schedule(.grace, after: .seconds(10))
      ]
    )
  }

  @Test("A peer that does not close after the connection finished is aborted at the deadline")
  func closeDeadlineAborts() {
    var lifecycle = Self.makeLifecycle()
    _ = lifecycle.startDraining(.idle, at: Self.at(0))
    _ = lifecycle.pingReceived(data: Self.goAwayPing, ack: true, at: Self.at(0.1))
    #expect(
      lifecycle.timerFired(.closeDeadline, at: Self.at(5.1)) == [
        .abort(message: "the connection did not finish closing within 5s")
      ]
    )
  }
}
