import RedisClient
import Testing

@Suite("Command connection: connect on use, back off after failures")
struct RedisConnectionStateMachineTests {
  private let start = ContinuousClock.now
  private let refused = RedisFailure(.connectionFailed, "connection refused")

  private func makeMachine(jitter: Double = 0) -> RedisConnectionStateMachine {
    RedisConnectionStateMachine(
      backoff: RedisBackoff(
        initial: .milliseconds(100),
        multiplier: 2,
        jitter: jitter,
        maximum: .milliseconds(300)
      )
    )
  }

  @Test("The first command connects; concurrent ones wait for that attempt")
  func firstCommandConnects() {
    var machine = self.makeMachine()
    #expect(machine.requestConnection(now: self.start) == .connect(attempt: 1))
    #expect(machine.requestConnection(now: self.start) == .waitForConnection)
    let outcome = machine.connectSucceeded(attempt: 1)
    #expect(outcome)
    #expect(machine.requestConnection(now: self.start) == .useConnection)
  }

  @Test("Commands during the backoff fail at once naming the last failure; after it they connect")
  func commandsFailFastDuringBackoff() {
    var machine = self.makeMachine()
    var random = SplitMix64(seed: 1)
    _ = machine.requestConnection(now: self.start)
    machine.connectFailed(attempt: 1, failure: self.refused, now: self.start, using: &random)
    let during = machine.requestConnection(now: self.start + .milliseconds(40))
    #expect(
      during
        == .fail(
          RedisFailure(
            .connectionFailed,
            "not connected: connection refused (next attempt in 60 ms)"
          )
        )
    )
    #expect(machine.requestConnection(now: self.start + .milliseconds(100)) == .connect(attempt: 2))
  }

  @Test("Backoff grows after each failure up to the maximum, and restarts after a connection")
  func backoffGrowsAndResets() {
    var machine = self.makeMachine()
    var random = SplitMix64(seed: 1)
    var now = self.start
    var waits: [Duration] = []
    for attempt in 1 ... 4 {
      #expect(machine.requestConnection(now: now) == .connect(attempt: attempt))
      machine.connectFailed(attempt: attempt, failure: self.refused, now: now, using: &random)
      guard case .backingOff(let until, _) = machine.state else { return }
      waits.append(until - now)
      now = until
    }
    #expect(
      waits == [.milliseconds(100), .milliseconds(200), .milliseconds(300), .milliseconds(300)]
    )
    #expect(machine.requestConnection(now: now) == .connect(attempt: 5))
    let outcome = machine.connectSucceeded(attempt: 5)
    #expect(outcome)
    let lost = machine.connectionLost(attempt: 5, failure: self.refused, now: now, using: &random)
    #expect(lost)
    #expect(machine.state == .backingOff(until: now + .milliseconds(100), failure: self.refused))
  }

  @Test("Jitter keeps each wait within ±20% of the schedule")
  func jitterBounds() {
    var random = SplitMix64(seed: 7)
    for _ in 0 ..< 200 {
      var schedule = RedisBackoffSchedule(policy: RedisBackoff())
      let first = schedule.nextDelay(using: &random)
      let second = schedule.nextDelay(using: &random)
      #expect(first >= .milliseconds(80) && first <= .milliseconds(120))
      #expect(second >= .milliseconds(128) && second <= .milliseconds(192))
    }
  }

  @Test("A lost connection backs off, and news of an older attempt is ignored")
  func lostConnectionBacksOff() {
    var machine = self.makeMachine()
    var random = SplitMix64(seed: 1)
    _ = machine.requestConnection(now: self.start)
    _ = machine.connectSucceeded(attempt: 1)
    let outcome = machine.connectionLost(
      attempt: 7,
      failure: self.refused,
      now: self.start,
      using: &random
    )
    #expect(!outcome)
    let lost = machine.connectionLost(
      attempt: 1,
      failure: self.refused,
      now: self.start,
      using: &random
    )
    #expect(lost)
    guard case .fail(let failure) = machine.requestConnection(now: self.start) else {
      Issue.record("expected a fast failure")
      return
    }
    #expect(failure.code == .connectionFailed)
  }

  @Test("After shutdown every command fails with shutdown and a late connect is unwanted")
  func shutdown() {
    var machine = self.makeMachine()
    _ = machine.requestConnection(now: self.start)
    machine.shutDown()
    let outcome = machine.connectSucceeded(attempt: 1)
    #expect(!outcome)
    #expect(
      machine.requestConnection(now: self.start)
        == .fail(RedisFailure(.shutdown, "the client was closed"))
    )
  }
}
