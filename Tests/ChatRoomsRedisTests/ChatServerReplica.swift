import ChatClient
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import HealthService

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
