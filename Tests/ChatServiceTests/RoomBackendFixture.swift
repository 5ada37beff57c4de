import ChatAPI
import ChatRoomsRedis
import ChatService
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Logging
import RedisClient
import Testing

/// Where the rooms under test live. Room tests take `arguments: RoomBackendFixture.allCases`, so
/// each runs once per backend, against the same ChatStream and RoomEvents API.
///
/// Adding a backend is one case here, a branch in ``withBackend(configuration:_:)`` and an
/// answer in ``evictsIdleRooms``. Every test that takes `allCases` then runs against it too.
enum RoomBackendFixture: String, CaseIterable, Sendable, CustomTestStringConvertible {
  /// Rooms in the server process (`ChatRoomBackend.inProcess`).
  case inProcess
  /// Rooms in a `redis-server` of the test's own (`ChatRoomBackend.redis`), one server on it.
  case redis

  var testDescription: String { self.rawValue }

  /// Whether idle rooms are dropped by `maximumIdleRooms` (and start a new epoch when used
  /// again). A shared store keeps rooms itself.
  var evictsIdleRooms: Bool {
    switch self {
    case .inProcess: return true
    case .redis: return false
    }
  }

  /// Runs `body` with a fresh backend of this kind for a service with `configuration`, then
  /// releases it.
  ///
  /// `.redis` starts a `redis-server` on a free loopback port, makes a ``RedisRoomStore`` on it
  /// with the configuration's history size, starts it and waits until it reports itself
  /// available (as chat-server's health does), and shuts the store down and stops the server
  /// afterwards.
  func withBackend<Result: Sendable>(
    configuration: ChatServiceConfiguration,
    _ body: (ChatRoomBackend) async throws -> Result
  ) async throws -> Result {
    switch self {
    case .inProcess:
      return try await body(.inProcess)
    case .redis:
      return try await withRedisServer { redis in
        let client = RedisClient(configuration: try RedisConfiguration(url: redis.url), logger: quietLogger)
        let store = RedisRoomStore(client: client, historySize: configuration.historySize, logger: quietLogger)
        do {
          try await Self.startAndWaitUntilAvailable(store, address: redis.address)
          let result = try await body(.redis(store))
          await store.shutdown()
          return result
        } catch {
          await store.shutdown()
          throw error
        }
      }
    }
  }

  /// Starts `store` and returns once it reports itself available (its pub/sub connection up and
  /// a command answered); fails after 30 s.
  private static func startAndWaitUntilAvailable(_ store: RedisRoomStore, address: String) async throws {
    let (reports, reporter) = AsyncStream.makeStream(of: Bool.self)
    store.start { available in reporter.yield(available) }
    let timeout = Task {
      try await Task.sleep(for: .seconds(30))
      reporter.finish()
    }
    defer { timeout.cancel() }
    for await available in reports where available { return }
    throw RPCError(code: .deadlineExceeded, message: "the room store on redis \(address) did not become available within 30 s")
  }

  /// Serves `ChatService` and `chat.v1.RoomEvents` of one ``ChatRoomService`` on this backend on
  /// a free loopback port, and gives `body` clients of both on one connection.
  ///
  /// - Parameters:
  ///   - configuration: The service's configuration (``roomConfiguration()`` by default).
  ///   - transport: The server transport's configuration.
  ///   - client: The client transport's configuration.
  ///   - body: The test.
  func withServer<Result: Sendable>(
    configuration: ChatServiceConfiguration = roomConfiguration(),
    transport: NGHTTP2ServerConfiguration = NGHTTP2ServerConfiguration(),
    client: NGHTTP2ClientConfiguration = NGHTTP2ClientConfiguration(),
    _ body: (RoomTestServer) async throws -> Result
  ) async throws -> Result {
    try await self.withBackend(configuration: configuration) { backend in
      let service = ChatRoomService(configuration: configuration, backend: backend)
      return try await withTestServer(services: [service, service.roomEvents], configuration: transport) { port in
        let channel = NGHTTP2ClientTransport(host: "127.0.0.1", port: port, configuration: client)
        defer { channel.close() }
        let grpc = GRPCClient(transport: channel)
        return try await body(
          RoomTestServer(
            port: port, service: service, chat: ChatClient(wrapping: grpc),
            events: Chat_V1_RoomEvents.Client(wrapping: grpc)))
      }
    }
  }
}

/// Drops the store's and the Redis client's logs.
private let quietLogger = Logger(label: "room-backend-fixture", factory: { _ in SwiftLogNoOpLogHandler() })

/// A configuration for room tests: the fixed clock, and the given history size and heartbeat.
func roomConfiguration(
  historySize: Int = 1000,
  heartbeatInterval: Duration = .seconds(20),
  maximumQueuedMessages: Int = 10_000,
  maximumIdleRooms: Int = 10_000
) -> ChatServiceConfiguration {
  var configuration = makeConfiguration(maximumQueuedMessages: maximumQueuedMessages)
  configuration.historySize = historySize
  configuration.heartbeatInterval = heartbeatInterval
  configuration.maximumIdleRooms = maximumIdleRooms
  return configuration
}

/// A running room server of a ``RoomBackendFixture`` and clients of it.
struct RoomTestServer: Sendable {
  /// The bound loopback port (for more connections).
  let port: Int
  /// The service, for inspection (`openCallCount`).
  let service: ChatRoomService
  /// A ChatStream client.
  let chat: ChatClient
  /// A `chat.v1.RoomEvents` client on the same connection.
  let events: Chat_V1_RoomEvents.Client

  /// Publishes `text` as `user` to `room`; returns the stored message and its id.
  @discardableResult
  func publish(_ text: String, as user: String = "ada", to room: String) async throws -> Chat_V1_RoomEvent {
    try await self.events.publish(
      Chat_V1_PublishRequest(room: room, message: ChatMessage(user: user, message: text)),
      options: CallOptions(timeout: .seconds(30)))
  }

  /// Publishes `count` messages `"<prefix><n>"` to `room`, one after the other; returns their ids.
  func publish(_ count: Int, prefix: String = "m", to room: String) async throws -> [String] {
    var ids: [String] = []
    for index in 1 ... count { ids.append(try await self.publish("\(prefix)\(index)", to: room).id) }
    return ids
  }

  /// Subscribes to `room` after `afterID` for `body`, which gets the subscription's events. The
  /// call has a deadline of `timeout` (stretched in a sanitizer run).
  func subscribe<Result: Sendable>(
    _ room: String,
    after afterID: String = "",
    timeout: Duration = .seconds(60),
    _ body: (ResponseStream<Chat_V1_RoomEvent>) async throws -> Result
  ) async throws -> Result {
    try await self.events.subscribe(
      Chat_V1_SubscribeRequest(room: room, afterId: afterID), options: CallOptions(timeout: timeout.slowed), body: body)
  }

  /// Waits until the server has `count` open calls (ChatStream members and subscribers), polling
  /// for up to `timeout` (stretched in a sanitizer run).
  func waitForOpenCalls(_ count: Int, timeout: Duration = .seconds(30)) async throws {
    let timeout = timeout.slowed
    let deadline = ContinuousClock.now + timeout
    while self.service.openCallCount != count {
      guard ContinuousClock.now < deadline else {
        throw RPCError(
          code: .deadlineExceeded,
          message: "\(self.service.openCallCount) open calls after \(timeout); expected \(count)")
      }
      try await Task.sleep(for: .milliseconds(10))
    }
  }
}

extension RequestStream<Chat_V1_RoomEvent>.AsyncIterator {
  /// The next event that is a message (heartbeats skipped); throws `INTERNAL` if the stream
  /// ended instead.
  mutating func nextRecord() async throws -> Chat_V1_RoomEvent {
    while true {
      let event = try await self.nextMessage()
      if !event.id.isEmpty { return event }
    }
  }

  /// The next `count` messages (heartbeats skipped).
  mutating func nextRecords(_ count: Int) async throws -> [Chat_V1_RoomEvent] {
    var events: [Chat_V1_RoomEvent] = []
    while events.count < count { events.append(try await self.nextRecord()) }
    return events
  }
}

extension Chat_V1_RoomEvent {
  /// True for a heartbeat: no id, no message.
  var isHeartbeat: Bool { self.id.isEmpty && self.message == nil }
}
