import Testing

@testable import GRPCKitNGHTTP2

@Suite("Client keepalive state")
struct KeepaliveTests {
  static let start = ContinuousClock.now

  static func makeKeepalive() -> Keepalive {
    Keepalive(interval: .seconds(10), timeout: .seconds(2), pingData: 7, now: start)
  }

  @Test("A client without calls that may not ping checks again one interval later")
  func noPingWithoutPermission() {
    var keepalive = Self.makeKeepalive()
    #expect(
      keepalive.timerFired(at: Self.start.advanced(by: .seconds(10)), mayPing: false) == [
        .schedule(.keepalive, after: .seconds(10))
      ]
    )
    #expect(!keepalive.awaitingAck)
  }

  @Test("The timeout message names the timeout")
  func timeoutMessage() {
    var keepalive = Self.makeKeepalive()
    _ = keepalive.timerFired(at: Self.start.advanced(by: .seconds(10)), mayPing: true)
    #expect(keepalive.timeoutFired() == "keepalive ping not acknowledged within 2s")
  }

  @Test("Doubling the shared interval after too_many_pings applies to later connections")
  func intervalDoubles() {
    let interval = KeepaliveInterval(.milliseconds(1500))
    interval.double()
    #expect(interval.current == .seconds(3))
  }

  @Test(
    "Durations in messages read as seconds",
    arguments: [
      (Duration.seconds(20), "20s"), (.milliseconds(250), "0.25s"), (.milliseconds(1005), "1.005s"),
      (.milliseconds(-3), "-0.003s"), (.seconds(-2), "-2s"),
    ]
  )
  func secondsDescription(duration: Duration, text: String) {
    #expect(duration.secondsDescription == text)
  }
}
