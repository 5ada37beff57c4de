import ChatAPI
import ChatService
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

/// Where the rooms under test live. Room tests take `arguments: RoomBackendFixture.allCases`, so
/// each runs once per backend, against the same ChatStream and RoomEvents API.
///
/// Adding a backend is one case here: `.redis` gets a branch in ``withBackend(_:)`` that starts
/// a `redis-server` on a free port (an ``ExternalProcess``), makes the store on it and calls
/// `body` with `ChatRoomBackend.redis(store)`, then stops the process; and an answer in
/// ``evictsIdleRooms``. Every test that takes `allCases` then runs against it too.
enum RoomBackendFixture: String, CaseIterable, Sendable, CustomTestStringConvertible {
  /// Rooms in the server process (`ChatRoomBackend.inProcess`).
  case inProcess

  var testDescription: String { self.rawValue }

  /// Whether idle rooms are dropped by `maximumIdleRooms` (and start a new epoch when used
  /// again). A shared store keeps rooms itself.
  var evictsIdleRooms: Bool {
    switch self {
    case .inProcess: return true
    }
  }

  /// Runs `body` with a fresh backend of this kind, then releases it.
  func withBackend<Result: Sendable>(_ body: (ChatRoomBackend) async throws -> Result) async throws -> Result {
    switch self {
    case .inProcess:
      return try await body(.inProcess)
    }
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
    try await self.withBackend { backend in
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
  /// call has a deadline of `timeout`.
  func subscribe<Result: Sendable>(
    _ room: String,
    after afterID: String = "",
    timeout: Duration = .seconds(60),
    _ body: (ResponseStream<Chat_V1_RoomEvent>) async throws -> Result
  ) async throws -> Result {
    try await self.events.subscribe(
      Chat_V1_SubscribeRequest(room: room, afterId: afterID), options: CallOptions(timeout: timeout), body: body)
  }

  /// Waits until the server has `count` open calls (ChatStream members and subscribers), polling
  /// for up to `timeout`.
  func waitForOpenCalls(_ count: Int, timeout: Duration = .seconds(30)) async throws {
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
