import GRPCLocking
public import Logging
public import NIOCore
public import NIOPosix

/// A Redis client: one pipelined command connection, and pub/sub subscribers of their own.
///
/// The command connection opens on the first command (concurrent first commands share one
/// connect), sends `AUTH` and `SELECT` as the configuration asks, and carries every command in
/// the order they are sent, without waiting for earlier replies. A command that gets no reply
/// within ``RedisConfiguration/commandTimeout`` fails with `.timeout` and closes the
/// connection. After a failed connect or a lost connection the next command connects again,
/// but not before the backoff delay: commands in between fail at once with `.connectionFailed`
/// naming the last failure, so that callers can answer at once instead of hanging.
///
/// ```swift
/// let client = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:6379"), logger: logger)
/// _ = try await client.send(RedisCommand("SET", ["greeting", "hello"]))
/// let greeting = try await client.send(RedisCommand("GET", ["greeting"])).string
/// await client.close()
/// ```
public final class RedisClient: Sendable {
  private struct State {
    var machine: RedisConnectionStateMachine
    var connection: RedisConnection?
    var connecting: EventLoopPromise<RedisConnection>?
    var random = SystemRandomNumberGenerator()
  }

  private enum Step {
    case use(RedisConnection)
    case wait(EventLoopFuture<RedisConnection>)
    case start(attempt: Int, EventLoopPromise<RedisConnection>)
    case fail(RedisFailure)
  }

  /// The configuration the client was made with.
  public let configuration: RedisConfiguration
  private let eventLoopGroup: any EventLoopGroup
  private let connector: RedisConnector
  private let logger: Logger
  private let state: Mutex<State>
  /// Commands, errors and latency, when a metrics backend was bootstrapped before the client
  /// was created (``RedisClientMetrics``).
  private let metrics: RedisClientMetrics?

  /// Creates a client; nothing connects before the first command.
  ///
  /// - Parameters:
  ///   - configuration: Where to connect and how.
  ///   - eventLoopGroup: The event loops the connections run on.
  ///   - logger: Receives connection changes (info) and connect failures (debug).
  public init(
    configuration: RedisConfiguration,
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    logger: Logger
  ) {
    self.configuration = configuration
    self.eventLoopGroup = eventLoopGroup
    self.connector = RedisConnector(configuration: configuration)
    self.logger = logger
    self.state = Mutex(State(machine: RedisConnectionStateMachine(backoff: configuration.backoff)))
    self.metrics = .ifBootstrapped()
  }

  deinit {
    let connection = self.state.withLock { $0.connection }
    connection?.close(RedisFailure(.shutdown, "the client was released"))
  }

  /// Sends one command on the shared, pipelined command connection (connected on first use).
  ///
  /// - Parameter command: The command.
  /// - Returns: Its reply.
  /// - Throws: ``RedisError``: `.serverError` with ``RedisError/serverMessage`` for an error
  ///   reply; `.connectionFailed`, `.authenticationFailed`, `.timeout`, `.connectionClosed`,
  ///   `.protocolError`, `.replyTooLarge` or `.shutdown` otherwise. The message names the
  ///   address and the command.
  public func send(_ command: RedisCommand) async throws(RedisError) -> RedisReply {
    let replies = try await self.run([command], name: command.name)
    guard let reply = replies.first else {
      throw RedisFailure(.protocolError, "no reply").error(
        address: self.configuration.address,
        command: command.name
      )
    }
    if case .error(let text) = reply {
      throw RedisFailure(.serverError, text, serverMessage: text)
        .error(address: self.configuration.address, command: command.name)
    }
    return reply
  }

  /// Writes `command` at once on the open command connection, behind every command written
  /// before it, and returns a handle to its reply: a task that submits several commands in a
  /// row has Redis run them in that order without waiting for each reply (pipelining from one
  /// task, which `send` cannot give: each `send` waits for its reply).
  ///
  /// - Parameter command: The command.
  /// - Returns: The pending reply; `nil` when no command connection is open right now (the
  ///   caller should `send`, which connects).
  public func submit(_ command: RedisCommand) -> RedisPendingReply? {
    let connection = self.state.withLock { state -> RedisConnection? in
      guard case .ready = state.machine.state else { return nil }
      return state.connection
    }
    guard let connection else { return nil }
    let future = connection.send([command], name: command.name)
    if let metrics = self.metrics {
      let started = ContinuousClock.now
      future.whenComplete { result in
        switch result {
        case .success(let replies): metrics.record([command], .replies(replies), since: started)
        case .failure(let error):
          metrics.record(
            [command],
            .failed((error as? RedisFailure)?.code ?? .connectionClosed),
            since: started
          )
        }
      }
    }
    return RedisPendingReply(
      future: future,
      command: command.name,
      address: self.configuration.address
    )
  }

  /// Several commands written at once; their replies in order.
  ///
  /// - Parameter commands: The commands.
  /// - Returns: One reply per command; error replies are ``RedisReply/error(_:)`` values.
  /// - Throws: ``RedisError`` as ``send(_:)``, except for error replies.
  public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RedisReply] {
    guard !commands.isEmpty else { return [] }
    let shown =
      commands.prefix(3).map(\.name).joined(separator: ", ") + (commands.count > 3 ? ", …" : "")
    let name = commands.count == 1 ? commands[0].name : "pipeline of \(commands.count) (\(shown))"
    return try await self.run(commands, name: name)
  }

  /// A subscriber with a pub/sub connection of its own, connecting at once; see
  /// ``RedisSubscriber``.
  ///
  /// - Parameter handler: Receives the subscriber's events on its connection's event loop; it
  ///   must not block.
  /// - Returns: The subscriber; ``RedisSubscriber/close()`` it when done.
  public func makeSubscriber(
    _ handler: @escaping @Sendable (RedisSubscriberEvent) -> Void
  ) -> RedisSubscriber {
    RedisSubscriber(
      connector: self.connector,
      eventLoop: self.eventLoopGroup.next(),
      logger: self.logger,
      handler: handler
    )
  }

  /// Closes the command connection; commands still waiting and every later one fail with
  /// `.shutdown`.
  public func close() async {
    let connection = self.state.withLock { state in
      state.machine.shutDown()
      defer { state.connection = nil }
      return state.connection
    }
    try? await connection?.close(RedisFailure(.shutdown, "the client was closed")).get()
  }

  // MARK: Commands

  private func run(
    _ commands: [RedisCommand],
    name: String
  ) async throws(RedisError) -> [RedisReply] {
    let started = ContinuousClock.now
    do throws(RedisError) {
      let connection = try await self.connection(for: name)
      let replies: [RedisReply]
      do {
        replies = try await connection.send(commands, name: name).get()
      } catch {
        throw self.error(error, command: name)
      }
      self.metrics?.record(commands, .replies(replies), since: started)
      return replies
    } catch {
      self.metrics?.record(commands, .failed(error.code), since: started)
      throw error
    }
  }

  private func connection(for command: String) async throws(RedisError) -> RedisConnection {
    let step = self.state.withLock { state -> Step in
      switch state.machine.requestConnection(now: .now) {
      case .useConnection:
        if let connection = state.connection { return .use(connection) }
        return .fail(RedisFailure(.connectionClosed, "the connection is gone"))
      case .waitForConnection:
        if let connecting = state.connecting { return .wait(connecting.futureResult) }
        return .fail(RedisFailure(.connectionFailed, "the connection attempt is gone"))
      case .connect(let attempt):
        let promise = self.eventLoopGroup.next().makePromise(of: RedisConnection.self)
        state.connecting = promise
        return .start(attempt: attempt, promise)
      case .fail(let failure):
        return .fail(failure)
      }
    }
    let future: EventLoopFuture<RedisConnection>
    switch step {
    case .use(let connection): return connection
    case .wait(let connecting): future = connecting
    case .fail(let failure):
      throw failure.error(address: self.configuration.address, command: command)
    case .start(let attempt, let promise):
      self.connect(attempt: attempt, promise: promise)
      future = promise.futureResult
    }
    do {
      return try await future.get()
    } catch {
      throw self.error(error, command: command)
    }
  }

  private func connect(attempt: Int, promise: EventLoopPromise<RedisConnection>) {
    self.connector.connect(on: promise.futureResult.eventLoop).whenComplete { result in
      self.connectCompleted(attempt: attempt, result, promise: promise)
    }
  }

  /// Runs on the connection's event loop.
  private func connectCompleted(
    attempt: Int,
    _ result: Result<RedisConnection, any Error>,
    promise: EventLoopPromise<RedisConnection>
  ) {
    let address = self.configuration.address
    switch result {
    case .success(let connection):
      let wanted = self.state.withLock { state in
        state.connecting = nil
        guard state.machine.connectSucceeded(attempt: attempt) else { return false }
        state.connection = connection
        return true
      }
      guard wanted else {
        connection.close(RedisFailure(.shutdown, "the client was closed"))
        promise.fail(RedisFailure(.shutdown, "the client was closed"))
        return
      }
      self.logger.debug("redis connected", metadata: ["redis.address": "\(address)"])
      // Weak: the connection must not keep the client alive (its deinit closes the connection).
      connection.handler.value.setOnClose { [weak self] failure in
        self?.connectionLost(attempt: attempt, connection: connection, failure: failure)
      }
      promise.succeed(connection)
    case .failure(let error):
      let failure =
        error as? RedisFailure ?? RedisFailure(.connectionFailed, RedisErrorText.describe(error))
      self.state.withLock { state in
        state.connecting = nil
        state.machine.connectFailed(
          attempt: attempt,
          failure: failure,
          now: .now,
          using: &state.random
        )
      }
      self.logger.debug(
        "redis connect failed",
        metadata: ["redis.address": "\(address)", "error": "\(failure.detail)"]
      )
      promise.fail(failure)
    }
  }

  private func connectionLost(attempt: Int, connection: RedisConnection, failure: RedisFailure) {
    let current = self.state.withLock { state in
      guard
        state.machine.connectionLost(
          attempt: attempt,
          failure: failure,
          now: .now,
          using: &state.random
        )
      else {
        return false
      }
      if state.connection === connection { state.connection = nil }
      return true
    }
    if current {
      self.logger.debug(
        "redis connection lost",
        metadata: ["redis.address": "\(self.configuration.address)", "error": "\(failure.detail)"]
      )
    }
  }

  private func error(_ error: any Error, command: String) -> RedisError {
    if let error = error as? RedisError { return error }
    let failure =
      error as? RedisFailure ?? RedisFailure(.connectionClosed, RedisErrorText.describe(error))
    return failure.error(address: self.configuration.address, command: command)
  }
}
