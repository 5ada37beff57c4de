import GRPCLocking
import GRPCTestSupport
import Logging
import RedisClient
import Testing

/// A logger that drops everything.
let quietLogger = Logger(label: "redis-test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A client for `server` (or any URL), with `adjust` applied to the configuration.
func makeClient(
  url: String,
  _ adjust: (inout RedisConfiguration) -> Void = { _ in }
) throws -> RedisClient {
  var configuration = try RedisConfiguration(url: url)
  adjust(&configuration)
  return RedisClient(configuration: configuration, logger: quietLogger)
}

/// Runs `body` with a client, closing it afterwards.
func withClient<Result: Sendable>(
  url: String,
  _ adjust: (inout RedisConfiguration) -> Void = { _ in },
  _ body: (RedisClient) async throws -> Result
) async throws -> Result {
  let client = try makeClient(url: url, adjust)
  do {
    let result = try await body(client)
    await client.close()
    return result
  } catch {
    await client.close()
    throw error
  }
}

/// Retries `body` until it succeeds or `timeout` passes (for reconnections; stretched in a
/// sanitizer run).
func eventually<Result: Sendable>(
  timeout: Duration = .seconds(10),
  _ body: () async throws -> Result
) async throws -> Result {
  let deadline = ContinuousClock.now + timeout.slowed
  while true {
    do {
      return try await body()
    } catch {
      if ContinuousClock.now > deadline { throw error }
      try await Task.sleep(for: .milliseconds(25))
    }
  }
}

/// The events a subscriber reported, for waiting on.
final class SubscriberEventLog: Sendable {
  private let events = Mutex<[RedisSubscriberEvent]>([])

  /// The handler to give ``RedisClient/makeSubscriber(_:)``.
  var handler: @Sendable (RedisSubscriberEvent) -> Void {
    { event in self.events.withLock { $0.append(event) } }
  }

  var all: [RedisSubscriberEvent] { self.events.withLock { $0 } }

  /// The payloads of the messages on `channel`, as text, in order.
  func messages(on channel: String) -> [String] {
    self.all.compactMap { event in
      guard case .message(channel, let payload) = event else { return nil }
      return String(decoding: payload, as: UTF8.self)
    }
  }

  /// How many events of the kind of `sample` (connected, disconnected, message) arrived.
  func count(where predicate: (RedisSubscriberEvent) -> Bool) -> Int {
    self.all.filter(predicate).count
  }

  /// Waits until `condition` holds for the events so far.
  func wait(
    timeout: Duration = .seconds(10),
    _ what: String,
    until condition: ([RedisSubscriberEvent]) -> Bool
  ) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition(self.all) {
      guard ContinuousClock.now < deadline else {
        throw RedisTestError("no \(what) within \(timeout); events: \(self.all)")
      }
      try await Task.sleep(for: .milliseconds(10))
    }
  }
}

extension RedisSubscriberEvent {
  var isConnected: Bool {
    if case .connected = self { return true }
    return false
  }

  var isDisconnected: Bool {
    if case .disconnected = self { return true }
    return false
  }
}

struct RedisTestError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
