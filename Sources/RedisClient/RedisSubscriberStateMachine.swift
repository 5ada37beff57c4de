/// The rules of a pub/sub connection: connect (and reconnect with backoff, forever), subscribe
/// again to every channel held after each connect and report ``RedisSubscriberEvent/connected``
/// only once Redis confirmed them all, match `SUBSCRIBE` requests with their confirmations, and
/// report ``RedisSubscriberEvent/disconnected(_:)`` once per outage.
///
/// Requests are numbered; the owner keeps their promises and timers and performs the actions.
/// Randomness is an argument, so that the rules are tested exactly.
package struct RedisSubscriberStateMachine: Sendable {
  package enum State: Sendable, Hashable {
    case connecting(attempt: Int)
    /// Connected; subscribing again to the channels held before ``RedisSubscriberEvent/connected``.
    case resubscribing(attempt: Int)
    case ready(attempt: Int)
    /// Waiting out the backoff before attempt `attempt + 1`.
    case waiting(attempt: Int)
    case closed
  }

  package enum Action: Sendable, Hashable {
    /// Start attempt `attempt`.
    case connect(attempt: Int)
    /// Write `SUBSCRIBE channels` for request `request` (and time it).
    case sendSubscribe([String], request: Int)
    /// Write `UNSUBSCRIBE channels`.
    case sendUnsubscribe([String])
    /// Report an event; the owner adds the address and `SUBSCRIBE` to a failure.
    case emit(Event)
    /// Request `request` is done.
    case succeed(request: Int)
    /// Request `request` failed.
    case fail(request: Int, RedisFailure)
    /// Wait `delay`, then report ``retryTimerFired()``.
    case scheduleRetry(delay: Duration)
    /// Close the current connection (its loss is reported with ``connectionLost(attempt:failure:using:)``).
    case closeConnection(RedisFailure)
  }

  /// An event before the owner names the address in its error.
  package enum Event: Sendable, Hashable {
    case connected
    case disconnected(RedisFailure)
    case message(channel: String, payload: [UInt8])
  }

  private struct Request: Sendable {
    let id: Int
    /// Subscribing again after a connect (no caller waits).
    let isResubscription: Bool
    /// The channels this request added to those held (dropped again if it fails).
    let added: [String]
    var unconfirmed: [String]
  }

  package private(set) var state: State = .connecting(attempt: 0)
  /// The channels held: subscribed again after every connect.
  package private(set) var channels: Set<String> = []
  private var requests: [Request] = []
  private var backoff: RedisBackoffSchedule
  private var attempts = 0
  private var nextRequest = 1
  /// Set once ``RedisSubscriberEvent/disconnected(_:)`` was reported, until the next connected.
  private var reportedOutage = false
  private var lastFailure: RedisFailure?

  package init(backoff: RedisBackoff) {
    self.backoff = RedisBackoffSchedule(policy: backoff)
  }

  /// The subscriber was made: connect.
  package mutating func start() -> [Action] {
    [self.startAttempt()]
  }

  /// Attempt `attempt` connected. Returns `nil` when the connection is not wanted (close it).
  package mutating func connected(attempt: Int) -> [Action]? {
    guard case .connecting(attempt) = self.state else { return nil }
    guard !self.channels.isEmpty else { return self.becameReady(attempt: attempt) }
    self.state = .resubscribing(attempt: attempt)
    let channels = self.channels.sorted()
    let id = self.takeRequestID()
    self.requests = [Request(id: id, isResubscription: true, added: [], unconfirmed: channels)]
    return [.sendSubscribe(channels, request: id)]
  }

  /// Attempt `attempt` failed.
  package mutating func connectFailed(
    attempt: Int,
    failure: RedisFailure,
    using random: inout some RandomNumberGenerator
  ) -> [Action] {
    guard case .connecting(attempt) = self.state else { return [] }
    return self.backOff(attempt: attempt, failure: failure, using: &random)
  }

  /// The connection of `attempt` closed.
  package mutating func connectionLost(
    attempt: Int,
    failure: RedisFailure,
    using random: inout some RandomNumberGenerator
  ) -> [Action] {
    switch self.state {
    case .resubscribing(attempt), .ready(attempt):
      var actions: [Action] = []
      for request in self.requests {
        self.drop(request.added)
        actions.append(.fail(request: request.id, failure))
      }
      self.requests = []
      return actions + self.backOff(attempt: attempt, failure: failure, using: &random)
    default:
      return []
    }
  }

  /// The backoff passed.
  package mutating func retryTimerFired() -> [Action] {
    guard case .waiting = self.state else { return [] }
    return [self.startAttempt()]
  }

  /// Adds `channels`; when ready, sends `SUBSCRIBE` and succeeds request `request` once Redis
  /// confirmed each. Fails at once (keeping none of them) when not ready.
  package mutating func subscribe(_ channels: [String]) -> (request: Int, actions: [Action]) {
    let id = self.takeRequestID()
    if self.state == .closed {
      return (id, [.fail(request: id, RedisFailure(.shutdown, "the subscriber was closed"))])
    }
    guard case .ready = self.state else {
      let reason = self.lastFailure.map { ": \($0.detail)" } ?? " yet"
      return (id, [.fail(request: id, RedisFailure(.connectionFailed, "not connected\(reason)"))])
    }
    var unique: [String] = []
    for channel in channels where !unique.contains(channel) { unique.append(channel) }
    guard !unique.isEmpty else { return (id, [.succeed(request: id)]) }
    let added = unique.filter { !self.channels.contains($0) }
    self.channels.formUnion(added)
    self.requests.append(
      Request(id: id, isResubscription: false, added: added, unconfirmed: unique)
    )
    return (id, [.sendSubscribe(unique, request: id)])
  }

  /// Removes `channels`; sends `UNSUBSCRIBE` for those held when connected.
  package mutating func unsubscribe(_ channels: [String]) -> [Action] {
    let removed = Set(channels).intersection(self.channels)
    self.channels.subtract(removed)
    switch self.state {
    case .resubscribing, .ready: return removed.isEmpty ? [] : [.sendUnsubscribe(removed.sorted())]
    default: return []
    }
  }

  /// Request `request` got no confirmation in time: it fails, and the connection closes (later
  /// confirmations could no longer be matched).
  package mutating func requestTimedOut(_ request: Int, after timeout: Duration) -> [Action] {
    guard let index = self.requests.firstIndex(where: { $0.id == request }) else { return [] }
    let timedOut = self.requests.remove(at: index)
    self.drop(timedOut.added)
    let detail = "no confirmation within \(timeout.redisText) (commandTimeout)"
    return [
      .fail(request: request, RedisFailure(.timeout, detail)),
      .closeConnection(
        RedisFailure(.connectionClosed, "connection closed after SUBSCRIBE timed out")
      ),
    ]
  }

  /// A reply on the connection of `attempt`.
  package mutating func received(_ reply: RedisReply, attempt: Int) -> [Action] {
    switch self.state {
    case .resubscribing(attempt), .ready(attempt): break
    default: return []
    }
    switch reply {
    case .array(let parts) where parts.count == 3 && parts[0].string == "message":
      guard let channel = parts[1].string, let payload = parts[2].bytes else { break }
      return self.channels.contains(channel)
        ? [.emit(.message(channel: channel, payload: payload))] : []
    case .array(let parts) where parts.count == 3 && parts[0].string == "subscribe":
      guard let channel = parts[1].string else { break }
      return self.confirmed(channel, attempt: attempt)
    case .array(let parts) where parts.count == 3 && parts[0].string == "unsubscribe":
      return []
    case .error(let text):
      return self.refused(text)
    default:
      break
    }
    return [.closeConnection(RedisFailure(.protocolError, "unexpected pub/sub reply \(reply)"))]
  }

  /// Stops everything: pending requests fail with `.shutdown`.
  package mutating func close() -> [Action] {
    guard self.state != .closed else { return [] }
    self.state = .closed
    let failure = RedisFailure(.shutdown, "the subscriber was closed")
    let actions = self.requests.map { Action.fail(request: $0.id, failure) }
    self.requests = []
    return actions + [.closeConnection(failure)]
  }

  // MARK: Steps

  private mutating func confirmed(_ channel: String, attempt: Int) -> [Action] {
    guard var head = self.requests.first, let index = head.unconfirmed.firstIndex(of: channel)
    else {
      return [
        .closeConnection(
          RedisFailure(.protocolError, "unexpected confirmation of SUBSCRIBE \(channel)")
        )
      ]
    }
    head.unconfirmed.remove(at: index)
    guard head.unconfirmed.isEmpty else {
      self.requests[0] = head
      return []
    }
    self.requests.removeFirst()
    guard head.isResubscription else { return [.succeed(request: head.id)] }
    return [.succeed(request: head.id)] + self.becameReady(attempt: attempt)
  }

  /// An error reply answers the oldest `SUBSCRIBE` (Redis refuses a command as a whole).
  private mutating func refused(_ text: String) -> [Action] {
    guard !self.requests.isEmpty else {
      return [.closeConnection(RedisFailure(.protocolError, "unexpected error reply \"\(text)\""))]
    }
    let head = self.requests.removeFirst()
    let failure = RedisFailure(.serverError, text, serverMessage: text)
    guard !head.isResubscription else {
      return [.fail(request: head.id, failure), .closeConnection(failure)]
    }
    self.drop(head.added)
    return [.fail(request: head.id, failure)]
  }

  private mutating func becameReady(attempt: Int) -> [Action] {
    self.state = .ready(attempt: attempt)
    self.backoff.reset()
    self.reportedOutage = false
    self.lastFailure = nil
    return [.emit(.connected)]
  }

  private mutating func backOff(
    attempt: Int,
    failure: RedisFailure,
    using random: inout some RandomNumberGenerator
  ) -> [Action] {
    self.state = .waiting(attempt: attempt)
    self.lastFailure = failure
    var actions: [Action] = []
    if !self.reportedOutage {
      self.reportedOutage = true
      actions.append(.emit(.disconnected(failure)))
    }
    actions.append(.scheduleRetry(delay: self.backoff.nextDelay(using: &random)))
    return actions
  }

  private mutating func drop(_ added: [String]) {
    self.channels.subtract(added)
  }

  private mutating func startAttempt() -> Action {
    self.attempts += 1
    self.state = .connecting(attempt: self.attempts)
    return .connect(attempt: self.attempts)
  }

  private mutating func takeRequestID() -> Int {
    defer { self.nextRequest += 1 }
    return self.nextRequest
  }
}
