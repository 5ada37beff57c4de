internal import Logging
internal import NIOCore

/// Performs a ``RedisSubscriberStateMachine``'s actions: connects, writes `SUBSCRIBE` and
/// `UNSUBSCRIBE`, keeps the callers' promises and timers, and reports events.
///
/// Confined to its event loop; ``RedisSubscriber`` hops there for every call.
final class RedisSubscriberDriver {
  private let connector: RedisConnector
  private let eventLoop: any EventLoop
  private let logger: Logger
  private let handler: @Sendable (RedisSubscriberEvent) -> Void
  private var machine: RedisSubscriberStateMachine
  private var connection: RedisConnection?
  private var retryTimer: Scheduled<Void>?
  private var waiters: [Int: EventLoopPromise<Void>] = [:]
  private var timeouts: [Int: Scheduled<Void>] = [:]
  private var random = SystemRandomNumberGenerator()

  init(
    connector: RedisConnector,
    eventLoop: any EventLoop,
    logger: Logger,
    handler: @escaping @Sendable (RedisSubscriberEvent) -> Void
  ) {
    self.connector = connector
    self.eventLoop = eventLoop
    self.logger = logger
    self.handler = handler
    self.machine = RedisSubscriberStateMachine(backoff: connector.configuration.backoff)
  }

  private var address: String { self.connector.configuration.address }

  func start() {
    self.perform(self.machine.start())
  }

  func subscribe(_ channels: [String], promise: EventLoopPromise<Void>) {
    let (request, actions) = self.machine.subscribe(channels)
    self.waiters[request] = promise
    self.perform(actions)
  }

  func unsubscribe(_ channels: [String]) {
    self.perform(self.machine.unsubscribe(channels))
  }

  func close() {
    self.retryTimer?.cancel()
    self.retryTimer = nil
    self.perform(self.machine.close())
  }

  // MARK: Actions

  private func perform(_ actions: [RedisSubscriberStateMachine.Action]) {
    for action in actions {
      switch action {
      case .connect(let attempt):
        self.connect(attempt: attempt)
      case .sendSubscribe(let channels, let request):
        self.connection?.write([RedisCommand("SUBSCRIBE", channels.map { RedisArgument($0) })])
        self.startTimeout(request)
      case .sendUnsubscribe(let channels):
        self.connection?.write([RedisCommand("UNSUBSCRIBE", channels.map { RedisArgument($0) })])
      case .emit(let event):
        self.handler(self.event(event))
      case .succeed(let request):
        self.timeouts.removeValue(forKey: request)?.cancel()
        self.waiters.removeValue(forKey: request)?.succeed()
      case .fail(let request, let failure):
        self.timeouts.removeValue(forKey: request)?.cancel()
        self.waiters.removeValue(forKey: request)?.fail(
          failure.error(address: self.address, command: "SUBSCRIBE")
        )
      case .scheduleRetry(let delay):
        let driver = NIOLoopBound(self, eventLoop: self.eventLoop)
        self.retryTimer = self.eventLoop.scheduleTask(in: delay.timeAmount) { driver.value.retry() }
      case .closeConnection(let failure):
        self.connection?.close(failure)
      }
    }
  }

  private func event(_ event: RedisSubscriberStateMachine.Event) -> RedisSubscriberEvent {
    switch event {
    case .connected: return .connected
    case .disconnected(let failure):
      return .disconnected(failure.error(address: self.address, command: "SUBSCRIBE"))
    case .message(let channel, let payload): return .message(channel: channel, payload: payload)
    }
  }

  private func connect(attempt: Int) {
    let driver = NIOLoopBound(self, eventLoop: self.eventLoop)
    self.connector.connect(on: self.eventLoop).whenComplete { result in
      driver.value.connectCompleted(attempt: attempt, result)
    }
  }

  private func connectCompleted(attempt: Int, _ result: Result<RedisConnection, any Error>) {
    switch result {
    case .success(let connection):
      guard let actions = self.machine.connected(attempt: attempt) else {
        connection.close(RedisFailure(.shutdown, "the subscriber was closed"))
        return
      }
      self.connection = connection
      let driver = NIOLoopBound(self, eventLoop: self.eventLoop)
      let handler = connection.handler.value
      handler.pushReceiver = { reply in driver.value.received(reply, attempt: attempt) }
      handler.setOnClose { failure in
        driver.value.connectionLost(attempt: attempt, failure: failure)
      }
      self.logger.debug("redis subscriber connected", metadata: ["redis.address": "\(self.address)"])
      self.perform(actions)
    case .failure(let error):
      let failure =
        error as? RedisFailure ?? RedisFailure(.connectionFailed, RedisErrorText.describe(error))
      self.logger.debug(
        "redis subscriber connect failed",
        metadata: ["redis.address": "\(self.address)", "error": "\(failure.detail)"]
      )
      self.perform(
        self.machine.connectFailed(attempt: attempt, failure: failure, using: &self.random)
      )
    }
  }

  private func received(_ reply: RedisReply, attempt: Int) {
    self.perform(self.machine.received(reply, attempt: attempt))
  }

  private func connectionLost(attempt: Int, failure: RedisFailure) {
    let actions = self.machine.connectionLost(
      attempt: attempt,
      failure: failure,
      using: &self.random
    )
    guard !actions.isEmpty else { return }
    self.connection = nil
    self.logger.debug(
      "redis subscriber connection lost",
      metadata: ["redis.address": "\(self.address)", "error": "\(failure.detail)"]
    )
    self.perform(actions)
  }

  private func retry() {
    self.retryTimer = nil
    self.perform(self.machine.retryTimerFired())
  }

  private func startTimeout(_ request: Int) {
    let driver = NIOLoopBound(self, eventLoop: self.eventLoop)
    let timeout = self.connector.configuration.commandTimeout
    self.timeouts[request] = self.eventLoop.scheduleTask(in: timeout.timeAmount) {
      driver.value.timeouts[request] = nil
      driver.value.perform(driver.value.machine.requestTimedOut(request, after: timeout))
    }
  }
}
