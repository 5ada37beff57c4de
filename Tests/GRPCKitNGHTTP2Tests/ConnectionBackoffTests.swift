import GRPCKitNGHTTP2
import Testing

/// Returns the same value every time. `Double.random(in:using:)` maps 1 to the range's lower
/// bound and `UInt64.max` to its upper bound (0 would be rejected by its sampling forever).
struct FixedRandom: RandomNumberGenerator {
  var value: UInt64
  mutating func next() -> UInt64 { self.value }
}

@Suite("Connection backoff, round-robin picking, subchannel states")
struct ConnectionBackoffTests {
  @Test("Without jitter the waits are 1 s growing by 1.6 up to 120 s")
  func scheduleGrowsToMaximum() {
    var schedule = ConnectionBackoffSchedule(policy: ConnectionBackoff(jitter: 0))
    var random = FixedRandom(value: 1)
    let waits = (0..<12).map { _ in schedule.nextDelay(using: &random) }
    let seconds = waits.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
    let expected = [1, 1.6, 2.56, 4.096, 6.5536, 10.48576, 16.777216, 26.8435456, 42.94967296, 68.719476736, 109.9511627776, 120]
    for (actual, wanted) in zip(seconds, expected) { #expect(abs(actual - wanted) < 1e-6) }
  }

  @Test("Jitter keeps every wait within ±20% of the backoff")
  func jitterStaysInBounds() {
    var schedule = ConnectionBackoffSchedule(policy: ConnectionBackoff())
    var low = FixedRandom(value: 1)
    var high = FixedRandom(value: .max)
    let first = schedule.nextDelay(using: &low)
    #expect(first >= .milliseconds(799) && first <= .milliseconds(800))
    let second = schedule.nextDelay(using: &high)
    #expect(second > .milliseconds(1900) && second <= .milliseconds(1920))
  }

  @Test("A successful connection restarts the schedule at the initial wait")
  func resetRestartsSchedule() {
    var schedule = ConnectionBackoffSchedule(policy: ConnectionBackoff(jitter: 0))
    var random = FixedRandom(value: 1)
    _ = schedule.nextDelay(using: &random)
    _ = schedule.nextDelay(using: &random)
    schedule.reset()
    #expect(schedule.nextDelay(using: &random) == .seconds(1))
  }

  @Test("An attempt may take the larger of the backoff and the minimum connect timeout")
  func connectTimeoutIsAtLeastMinimum() {
    var schedule = ConnectionBackoffSchedule(policy: ConnectionBackoff(jitter: 0, minimumConnectTimeout: .seconds(20)))
    var random = FixedRandom(value: 1)
    #expect(schedule.connectTimeout == .seconds(20))
    for _ in 0..<11 { _ = schedule.nextDelay(using: &random) }
    #expect(schedule.connectTimeout == .seconds(120))
  }

  @Test("Round-robin picks each ready connection in turn")
  func roundRobinCycles() {
    var picker = RoundRobinPicker()
    #expect((0..<5).map { _ in picker.pick(from: ["a", "b"]) } == ["a", "b", "a", "b", "a"])
    #expect(picker.pick(from: [String]()) == nil)
    #expect(picker.pick(from: ["c"]) == "c")
  }

  @Test("A subchannel connects on request, becomes ready, and goes idle when the connection is lost")
  func subchannelLifecycle() {
    var machine = SubchannelStateMachine(backoff: ConnectionBackoff())
    #expect(machine.state == .idle)
    #expect(machine.requestConnection() == .connect(attempt: 1, timeout: .seconds(20)))
    #expect(machine.requestConnection() == .none)
    #expect(machine.connectSucceeded(attempt: 1) == .becameReady)
    let lost = machine.connectionLost(attempt: 1)
    #expect(lost)
    #expect(machine.state == .idle)
    #expect(machine.requestConnection() == .connect(attempt: 2, timeout: .seconds(20)))
  }

  @Test("A failed attempt waits out the backoff, then reconnects only if calls wait")
  func subchannelBacksOff() {
    var machine = SubchannelStateMachine(backoff: ConnectionBackoff(jitter: 0))
    var random = FixedRandom(value: 1)
    _ = machine.requestConnection()
    #expect(machine.connectFailed(attempt: 1, error: "refused", using: &random) == .scheduleRetry(delay: .seconds(1)))
    #expect(machine.state == .transientFailure(error: "refused"))
    #expect(machine.retryTimerFired(wanted: true) == .connect(attempt: 2, timeout: .seconds(20)))
    #expect(machine.connectFailed(attempt: 2, error: "refused", using: &random) == .scheduleRetry(delay: .seconds(1) * 1.6))
    #expect(machine.retryTimerFired(wanted: false) == .none)
    #expect(machine.state == .idle)
  }

  @Test("News of a stale attempt is ignored, and its connection closed")
  func staleAttemptsAreIgnored() {
    var machine = SubchannelStateMachine(backoff: ConnectionBackoff())
    _ = machine.requestConnection()
    #expect(machine.connectSucceeded(attempt: 1) == .becameReady)
    let staleLost = machine.connectionLost(attempt: 7)
    #expect(!staleLost)
    machine.shutDown()
    #expect(machine.connectSucceeded(attempt: 1) == .closeConnection)
    #expect(machine.state == .shutdown)
  }
}
