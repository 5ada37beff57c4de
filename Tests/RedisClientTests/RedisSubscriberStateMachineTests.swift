import RedisClient
import Testing

@Suite("Subscriber: resubscribe, confirm, report")
struct RedisSubscriberStateMachineTests {
  private let lost = RedisFailure(.connectionClosed, "the server closed the connection")

  private func makeMachine() -> RedisSubscriberStateMachine {
    RedisSubscriberStateMachine(backoff: RedisBackoff(initial: .milliseconds(100), jitter: 0))
  }

  private func confirmation(_ channel: String, count: Int = 1) -> RedisReply {
    .array([.bulk(Array("subscribe".utf8)), .bulk(Array(channel.utf8)), .integer(Int64(count))])
  }

  private func message(_ channel: String, _ payload: String) -> RedisReply {
    .array([.bulk(Array("message".utf8)), .bulk(Array(channel.utf8)), .bulk(Array(payload.utf8))])
  }

  /// A machine connected on attempt 1, holding `channels`.
  private func makeReady(holding channels: [String] = []) -> RedisSubscriberStateMachine {
    var machine = self.makeMachine()
    _ = machine.start()
    _ = machine.connected(attempt: 1)
    if !channels.isEmpty {
      let (request, _) = machine.subscribe(channels)
      var actions: [RedisSubscriberStateMachine.Action] = []
      for channel in channels {
        actions += machine.received(self.confirmation(channel), attempt: 1)
      }
      #expect(actions == [.succeed(request: request)])
    }
    return machine
  }

  @Test("Without channels it is connected as soon as the connection is")
  func connectedWithoutChannels() {
    var machine = self.makeMachine()
    #expect(machine.start() == [.connect(attempt: 1)])
    #expect(machine.connected(attempt: 1) == [.emit(.connected)])
  }

  @Test("After a reconnect it reports connected only once Redis confirmed every channel")
  func connectedAfterEveryConfirmation() {
    var machine = self.makeReady(holding: ["b", "a"])
    var random = SplitMix64(seed: 1)
    #expect(
      machine.connectionLost(attempt: 1, failure: self.lost, using: &random)
        == [.emit(.disconnected(self.lost)), .scheduleRetry(delay: .milliseconds(100))]
    )
    #expect(machine.retryTimerFired() == [.connect(attempt: 2)])
    guard let actions = machine.connected(attempt: 2),
      case .sendSubscribe(let channels, let request) = actions.first
    else {
      Issue.record("expected SUBSCRIBE")
      return
    }
    #expect(channels == ["a", "b"])
    #expect(machine.received(self.confirmation("a"), attempt: 2) == [])
    #expect(
      machine.received(self.confirmation("b", count: 2), attempt: 2) == [
        .succeed(request: request), .emit(.connected),
      ]
    )
  }

  @Test("An outage is reported once, however many retries fail")
  func outageReportedOnce() {
    var machine = self.makeMachine()
    var random = SplitMix64(seed: 1)
    _ = machine.start()
    let refused = RedisFailure(.connectionFailed, "connection refused")
    #expect(
      machine.connectFailed(attempt: 1, failure: refused, using: &random).first
        == .emit(.disconnected(refused))
    )
    _ = machine.retryTimerFired()
    #expect(
      machine.connectFailed(attempt: 2, failure: refused, using: &random) == [
        .scheduleRetry(delay: .milliseconds(160))
      ]
    )
    _ = machine.retryTimerFired()
    #expect(machine.connected(attempt: 3) == [.emit(.connected)])
    #expect(
      machine.connectionLost(attempt: 3, failure: self.lost, using: &random).first
        == .emit(.disconnected(self.lost))
    )
  }

  @Test("Subscribing while not connected fails at once and keeps nothing")
  func subscribeWhileDisconnected() {
    var machine = self.makeMachine()
    _ = machine.start()
    let (request, actions) = machine.subscribe(["a"])
    #expect(
      actions == [.fail(request: request, RedisFailure(.connectionFailed, "not connected yet"))]
    )
    #expect(machine.channels.isEmpty)
  }

  @Test("A lost connection fails waiting subscriptions and drops their channels")
  func lostConnectionFailsWaitingSubscriptions() {
    var machine = self.makeReady(holding: ["kept"])
    var random = SplitMix64(seed: 1)
    let (request, actions) = machine.subscribe(["new", "kept"])
    #expect(actions == [.sendSubscribe(["new", "kept"], request: request)])
    #expect(
      machine.connectionLost(attempt: 1, failure: self.lost, using: &random).first
        == .fail(request: request, self.lost)
    )
    #expect(machine.channels == ["kept"])
  }

  @Test("A refused SUBSCRIBE fails its request with the server's message and drops its channels")
  func refusedSubscribe() {
    var machine = self.makeReady()
    let (request, _) = machine.subscribe(["secret"])
    let text = "NOPERM this user has no permissions to access one of the channels used as arguments"
    #expect(
      machine.received(.error(text), attempt: 1) == [
        .fail(request: request, RedisFailure(.serverError, text, serverMessage: text))
      ]
    )
    #expect(machine.channels.isEmpty)
  }

  @Test("Messages are reported for held channels only, in order")
  func messagesForHeldChannels() {
    var machine = self.makeReady(holding: ["a"])
    #expect(
      machine.received(self.message("a", "1"), attempt: 1) == [
        .emit(.message(channel: "a", payload: Array("1".utf8)))
      ]
    )
    #expect(machine.received(self.message("other", "2"), attempt: 1) == [])
    #expect(machine.unsubscribe(["a", "never"]) == [.sendUnsubscribe(["a"])])
    #expect(machine.received(self.message("a", "3"), attempt: 1) == [])
  }

  @Test("A subscription without confirmation in time fails and closes the connection")
  func subscriptionTimeout() {
    var machine = self.makeReady()
    let (request, _) = machine.subscribe(["slow"])
    let actions = machine.requestTimedOut(request, after: .seconds(5))
    #expect(
      actions.first
        == .fail(
          request: request,
          RedisFailure(.timeout, "no confirmation within 5 s (commandTimeout)")
        )
    )
    #expect(
      actions.last
        == .closeConnection(
          RedisFailure(.connectionClosed, "connection closed after SUBSCRIBE timed out")
        )
    )
    #expect(machine.channels.isEmpty)
  }

  @Test("Replies of an older connection and unexpected replies are handled")
  func staleAndUnexpectedReplies() {
    var machine = self.makeReady(holding: ["a"])
    #expect(machine.received(self.message("a", "old"), attempt: 0) == [])
    let actions = machine.received(.status("OK"), attempt: 1)
    #expect(
      actions == [
        .closeConnection(RedisFailure(.protocolError, "unexpected pub/sub reply status \"OK\""))
      ]
    )
  }

  @Test("Closing fails waiting subscriptions and stops retrying")
  func closing() {
    var machine = self.makeReady()
    let (request, _) = machine.subscribe(["a"])
    let shutdown = RedisFailure(.shutdown, "the subscriber was closed")
    #expect(machine.close() == [.fail(request: request, shutdown), .closeConnection(shutdown)])
    #expect(machine.retryTimerFired() == [])
    #expect(machine.connected(attempt: 2) == nil)
  }
}
