import ChatClient
import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import HealthService
import Synchronization
import Testing

typealias ServingStatus = Grpc_Health_V1_HealthCheckResponse.ServingStatus

/// One `chat-server` process of a replica set, with rooms in Redis.
struct ChatServerReplica: Sendable {
  /// The process; its standard output is the server's JSON log (debug level).
  let process: ExternalProcess
  /// The gRPC port on 127.0.0.1.
  let port: Int

  /// `127.0.0.1:PORT`.
  var address: String { "127.0.0.1:\(self.port)" }

  /// Starts `chat-server --redis-url REDIS` on 127.0.0.1 with debug logs and a one-second
  /// grace period, and waits for its listening line (not for Redis: see ``waitForHealth(_:service:timeout:)``).
  ///
  /// - Parameters:
  ///   - redisURL: The `--redis-url`; `nil` passes none (for `$REDIS_URL` in `environment`).
  ///   - port: The port; 0 for a free one.
  ///   - arguments: More flags (`--history-size 5`, ...).
  ///   - environment: Variables added to its environment.
  static func start(
    redisURL: String?,
    port: Int = 0,
    arguments: [String] = [],
    environment: [String: String] = [:]
  ) async throws -> ChatServerReplica {
    let process = try ExternalProcess(
      executable: try builtProduct("chat-server"),
      arguments: ["--host", "127.0.0.1", "--port", "\(port)", "--log-level", "debug", "--grace-period", "1"]
        + (redisURL.map { ["--redis-url", $0] } ?? []) + arguments,
      environment: environment)
    do {
      return ChatServerReplica(process: process, port: try await process.waitForListeningPort(timeout: .seconds(60)))
    } catch {
      await process.stop()
      throw error
    }
  }

  /// A health client on a connection of its own, closed after `body`.
  func withHealthClient<Result: Sendable>(
    _ body: (Grpc_Health_V1_Health.Client) async throws -> Result
  ) async throws -> Result {
    let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: self.port)
    defer { transport.close() }
    return try await body(Grpc_Health_V1_Health.Client(wrapping: GRPCClient(transport: transport)))
  }

  /// `grpc.health.v1.Health/Check` for `service`.
  func health(_ service: String) async throws -> ServingStatus {
    try await self.withHealthClient { client in
      try await client.check(.init(service: service), options: CallOptions(timeout: .seconds(10))).status
    }
  }

  /// Waits until health reports `service` SERVING (polling every 50 ms); fails after `timeout`.
  func waitForHealth(_ service: String = "ChatService", timeout: Duration = .seconds(60)) async throws {
    let deadline = ContinuousClock.now + timeout
    var last = "no answer"
    while ContinuousClock.now < deadline {
      do {
        let status = try await self.health(service)
        if status == .serving { return }
        last = "\(status)"
      } catch {
        last = "\(error)"
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    throw RPCError(
      code: .deadlineExceeded, message: "\(self.address): health \"\(service)\" not SERVING within \(timeout) (last: \(last))")
  }

  /// Waits until the server logged `members` more ChatStream members and `subscribers` more
  /// RoomEvents subscribers joining `room`.
  func waitForJoins(members: Int = 0, subscribers: Int = 0, room: String, timeout: Duration = .seconds(60)) async throws {
    var (members, subscribers) = (members, subscribers)
    let deadline = ContinuousClock.now + timeout
    while members > 0 || subscribers > 0 {
      let line = try await self.process.waitForJSONObject(timeout: deadline - ContinuousClock.now) { line in
        line["chat.room"] as? String == room
          && ["member joined", "subscriber joined"].contains(line["event"] as? String ?? "")
      }
      if line["event"] as? String == "member joined" { members -= 1 } else { subscribers -= 1 }
    }
  }
}

/// Starts `count` replicas on `redis` (with `arguments`), waits until each reports `ChatService`
/// SERVING, runs `body`, then stops them (SIGTERM) whether `body` returned or threw.
func withReplicas<Result: Sendable>(
  _ count: Int,
  on redis: RedisServerProcess,
  arguments: [String] = [],
  _ body: ([ChatServerReplica]) async throws -> Result
) async throws -> Result {
  var replicas: [ChatServerReplica] = []
  do {
    for _ in 0 ..< count { replicas.append(try await ChatServerReplica.start(redisURL: redis.url, arguments: arguments)) }
    for replica in replicas { try await replica.waitForHealth() }
    let result = try await body(replicas)
    for replica in replicas { await replica.process.stop() }
    return result
  } catch {
    for replica in replicas { await replica.process.stop() }
    throw error
  }
}

/// SDK clients (``ChatClient``) of each of `replicas`, closed after `body`.
func withClients<Result: Sendable>(
  of replicas: [ChatServerReplica],
  _ body: ([ChatClient]) async throws -> Result
) async throws -> Result {
  let clients = replicas.map { ChatClient(host: "127.0.0.1", port: $0.port) }
  defer { for client in clients { client.close() } }
  return try await body(clients)
}

/// The statuses a `grpc.health.v1.Health/Watch` of one service reported, in order, collected
/// in the background until ``stop()``.
final class HealthWatch: Sendable {
  private let statuses = Mutex<[ServingStatus]>([])
  private let task = Mutex<Task<Void, Never>?>(nil)
  /// The service watched.
  let service: String

  /// Starts watching `service` on `replica`.
  init(_ service: String, on replica: ChatServerReplica) {
    self.service = service
    let task = Task {
      do {
        try await replica.withHealthClient { client in
          try await client.watch(.init(service: service)) { responses in
            for try await response in responses { self.statuses.withLock { $0.append(response.status) } }
          }
        }
      } catch {
        // The watch ends with the test (cancelled) or with the server: what it reported stays.
      }
    }
    self.task.withLock { $0 = task }
  }

  /// Everything reported so far.
  var reported: [ServingStatus] { self.statuses.withLock { $0 } }

  /// Waits until the watch reported the current status: later changes are seen from here on.
  func waitUntilStarted() async throws {
    try await self.wait(for: "a first status") { !$0.isEmpty }
  }

  /// Waits until the statuses reported so far satisfy `condition`; fails after `timeout`.
  func wait(
    for what: String, timeout: Duration = .seconds(60), until condition: ([ServingStatus]) -> Bool
  ) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition(self.reported) {
      guard ContinuousClock.now < deadline else {
        throw RPCError(
          code: .deadlineExceeded,
          message: "health \"\(self.service)\": \(what) not reported within \(timeout); reported \(self.reported)")
      }
      try await Task.sleep(for: .milliseconds(20))
    }
  }

  /// Stops watching (the watch holds the value until then).
  func stop() {
    self.task.withLock { $0?.cancel() }
  }
}

/// A message as a reader saw it: its id (none on ChatStream), sender and text.
struct SeenMessage: Sendable, Hashable, CustomStringConvertible {
  var id: String?
  var user: String
  var text: String

  var description: String { "\(self.id.map { "\($0) " } ?? "")\(self.user):\(self.text)" }
}

/// A one-shot signal from one task to the tasks waiting for it.
final class Gate: Sendable {
  private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

  /// Lets every waiter (and every later one) through.
  func open() {
    let waiters = self.state.withLock { state in
      state.open = true
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Returns once ``open()`` was called.
  func wait() async {
    await withCheckedContinuation { continuation in
      let open = self.state.withLock { state in
        if !state.open { state.waiters.append(continuation) }
        return state.open
      }
      if open { continuation.resume() }
    }
  }
}

/// Reads a `chat.v1.RoomEvents/Subscribe` stream of `room` after `after` until `count` messages
/// arrived (heartbeats skipped); opens `joined` at its first event (it is in the room then).
func subscribe(
  _ client: ChatClient,
  to room: String,
  after: String = "",
  count: Int,
  joined: Gate? = nil,
  timeout: Duration = .seconds(180)
) async throws -> [SeenMessage] {
  try await client.roomEvents.subscribe(
    Chat_V1_SubscribeRequest(room: room, afterId: after), options: CallOptions(timeout: timeout)
  ) { responses in
    var seen: [SeenMessage] = []
    for try await event in responses {
      joined?.open()
      guard let message = event.message, !event.id.isEmpty else { continue }
      seen.append(SeenMessage(id: event.id, user: message.user, text: message.message))
      if seen.count == count { break }
    }
    guard seen.count == count else {
      throw RPCError(code: .internal, message: "the subscription ended after \(seen.count) of \(count) messages")
    }
    return seen
  }
}

/// An event id split into its epoch and sequence, to compare ids as the server orders them.
struct EventID: Sendable, Comparable, CustomStringConvertible {
  var epoch: UInt64
  var sequence: UInt64

  /// Parses `EPOCH-SEQ`; fails the test for anything else.
  init(_ text: String) throws {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, let epoch = UInt64(parts[0]), let sequence = UInt64(parts[1]) else {
      throw RPCError(code: .internal, message: "\"\(text)\" is not an EPOCH-SEQ event id")
    }
    (self.epoch, self.sequence) = (epoch, sequence)
  }

  static func < (lhs: EventID, rhs: EventID) -> Bool {
    (lhs.epoch, lhs.sequence) < (rhs.epoch, rhs.sequence)
  }

  var description: String { "\(self.epoch)-\(self.sequence)" }
}

/// Whether `ids` are strictly increasing event ids.
func strictlyIncreasing(_ ids: [String]) throws -> Bool {
  let parsed = try ids.map(EventID.init)
  return zip(parsed, parsed.dropFirst()).allSatisfy { $0 < $1 }
}

extension ChatRoomEvent {
  /// The message of a `.message` event.
  var message: ChatMessage? {
    if case .message(let message, _) = self { return message }
    return nil
  }

  /// The id of a `.message` event.
  var id: String? {
    if case .message(_, let id) = self { return id }
    return nil
  }

  /// The gap of a `.gap` event.
  var gap: ChatRoomGap? {
    if case .gap(let gap) = self { return gap }
    return nil
  }
}

extension ChatRoomSubscription {
  /// Reads events until the message `id` (included); fails after `timeout`.
  func events(untilID id: String, timeout: Duration = .seconds(120)) async throws -> [ChatRoomEvent] {
    try await self.events(until: { $0.id == id }, timeout: timeout)
  }

  /// Reads events until one satisfies `isLast` (included); fails after `timeout`.
  func events(until isLast: @escaping @Sendable (ChatRoomEvent) -> Bool, timeout: Duration = .seconds(120)) async throws
    -> [ChatRoomEvent]
  {
    try await withThrowingTaskGroup(of: [ChatRoomEvent]?.self) { group in
      group.addTask {
        var events: [ChatRoomEvent] = []
        for try await event in self {
          events.append(event)
          if isLast(event) { return events }
        }
        throw RPCError(code: .internal, message: "the subscription ended after \(events.count) events: \(events.suffix(3))")
      }
      group.addTask {
        try await Task.sleep(for: timeout)
        return nil
      }
      defer { group.cancelAll() }
      guard let events = try await group.next() ?? nil else {
        throw RPCError(code: .deadlineExceeded, message: "the awaited event did not arrive within \(timeout)")
      }
      return events
    }
  }
}

/// A `chat.v1.RoomEvents/Subscribe` stream read in the background: the messages it received
/// and how it ended, until ``stop()``.
final class SubscriptionLog: Sendable {
  private struct State {
    var joined = false
    var messages: [SeenMessage] = []
    var end: (any Error)?
    var ended = false
  }

  private let state = Mutex(State())
  private let task = Mutex<Task<Void, Never>?>(nil)
  /// The room.
  let room: String

  /// Subscribes to `room` after `after` through `client`.
  init(_ client: ChatClient, room: String, after: String = "") {
    self.room = room
    let task = Task {
      do {
        try await client.roomEvents.subscribe(
          Chat_V1_SubscribeRequest(room: room, afterId: after), options: CallOptions(timeout: .seconds(600))
        ) { responses in
          for try await event in responses {
            self.state.withLock { state in
              state.joined = true
              if let message = event.message, !event.id.isEmpty {
                state.messages.append(SeenMessage(id: event.id, user: message.user, text: message.message))
              }
            }
          }
        }
        self.state.withLock { $0.ended = true }
      } catch {
        self.state.withLock {
          $0.ended = true
          $0.end = error
        }
      }
    }
    self.task.withLock { $0 = task }
  }

  /// The messages so far.
  var messages: [SeenMessage] { self.state.withLock { $0.messages } }

  /// Whether the stream ended (and with which error), while it was expected to stay open.
  var ending: String? {
    self.state.withLock { state in state.ended ? "ended: \(state.end.map { "\($0)" } ?? "OK")" : nil }
  }

  /// Waits until the subscription joined the room (its first event arrived).
  func waitUntilJoined(timeout: Duration = .seconds(60)) async throws {
    try await self.wait(for: "joined", timeout: timeout) { $0.joined }
  }

  /// Waits until a message with `id` arrived; fails after `timeout`, or at once if the stream
  /// ended first.
  func wait(forID id: String, timeout: Duration = .seconds(120)) async throws {
    try await self.wait(for: "message \(id)", timeout: timeout) { $0.messages.contains { $0.id == id } }
  }

  private func wait(for what: String, timeout: Duration, until condition: (State) -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
      let (done, ending) = self.state.withLock { (condition($0), $0.ended) }
      if done { return }
      guard !ending, ContinuousClock.now < deadline else {
        throw RPCError(
          code: .deadlineExceeded,
          message: "subscription of \(self.room): \(what) not within \(timeout) (\(self.ending ?? "open"), \(self.messages.count) messages)")
      }
      try await Task.sleep(for: .milliseconds(10))
    }
  }

  /// Cancels the stream.
  func stop() {
    self.task.withLock { $0?.cancel() }
  }
}
