public import GRPCKit
import GRPCLocking

/// The standard gRPC health service, `grpc.health.v1.Health`: the serving status of each
/// service, by name, for load balancers, Kubernetes probes and `grpc_health_probe`.
///
/// The empty name `""` stands for the whole server and starts as `SERVING`; other services are
/// unknown until ``setStatus(_:forService:)`` names them. `Check` answers a known service's status
/// and fails with `NOT_FOUND` for an unknown one. `Watch` sends the current status at once
/// (`SERVICE_UNKNOWN` for an unknown service) and then every change, until the call ends. On
/// shutdown, ``enterShutdown()`` turns every service `NOT_SERVING` for good, and
/// ``endWatches()`` ends the open `Watch` calls so that the server can close its connections.
///
/// ```swift
/// let health = HealthService()
/// health.setStatus(.serving, forService: "ChatService")
/// let server = GRPCServer(transport: transport, services: [chat, health])
/// // on SIGTERM:
/// health.enterShutdown()
/// server.beginGracefulShutdown()
/// ```
public final class HealthService: Grpc_Health_V1_Health.ServiceProtocol {
  /// A service's serving status, as `grpc.health.v1` defines it.
  public typealias ServingStatus = Grpc_Health_V1_HealthCheckResponse.ServingStatus

  private struct State {
    var statuses: [String: ServingStatus] = ["": .serving]
    var shuttingDown = false
    var watchesEnded = false
    var watchers: [Int: Watcher] = [:]
    var nextWatcherID = 0
  }

  private struct Watcher {
    var service: String
    var updates: AsyncStream<ServingStatus>.Continuation
  }

  private let state = Mutex(State())

  /// The descriptor of `grpc/health/v1/health.proto`, for server reflection.
  public static let fileDescriptor = Grpc_Health_V1_HealthProto.fileDescriptor

  /// Creates the service with the server (`""`) `SERVING` and no other service known.
  public init() {}

  /// The status of `service`, or `nil` when it is unknown.
  ///
  /// - Parameter service: A full service name (`ChatService`, `grpc.health.v1.Health`), or `""`
  ///   for the whole server.
  public func status(forService service: String) -> ServingStatus? {
    self.state.withLock { $0.statuses[service] }
  }

  /// Sets the status of `service` and tells its watchers. Ignored after ``enterShutdown()``.
  ///
  /// - Parameters:
  ///   - status: The new status.
  ///   - service: A full service name, or `""` for the whole server.
  public func setStatus(_ status: ServingStatus, forService service: String) {
    self.state.withLock { state in
      guard !state.shuttingDown else { return }
      state.statuses[service] = status
      Self.notify(&state, service: service, status: status)
    }
  }

  /// Sets every known service `NOT_SERVING` and keeps them so: later ``setStatus(_:forService:)``
  /// calls are ignored. Call it before the server's graceful shutdown, so that health checks fail
  /// while open calls drain.
  public func enterShutdown() {
    self.state.withLock { state in
      state.shuttingDown = true
      for service in state.statuses.keys {
        state.statuses[service] = .notServing
        Self.notify(&state, service: service, status: .notServing)
      }
    }
  }

  /// Ends every open `Watch` call, and every later one at once, with `UNAVAILABLE` once the
  /// statuses already queued for it are sent. A watch never ends by itself; a server waiting for
  /// its connections to close calls this after its grace period.
  public func endWatches() {
    let watchers = self.state.withLock { state in
      state.watchesEnded = true
      defer { state.watchers = [:] }
      return state.watchers.values
    }
    for watcher in watchers { watcher.updates.finish() }
  }

  /// `Check`: the status of the requested service.
  ///
  /// - Throws: ``RPCError`` with `NOT_FOUND` when the service is unknown.
  public func check(
    request: Grpc_Health_V1_HealthCheckRequest,
    context: ServerContext
  ) async throws -> Grpc_Health_V1_HealthCheckResponse {
    guard let status = self.status(forService: request.service) else {
      throw RPCError(code: .notFound, message: "unknown service \"\(request.service)\"")
    }
    return Grpc_Health_V1_HealthCheckResponse(status: status)
  }

  /// `Watch`: the status of the requested service now, then each change, until the call ends.
  /// Changes faster than the client reads are coalesced: the latest status always arrives.
  ///
  /// - Throws: ``RPCError`` with `UNAVAILABLE` after ``endWatches()``, or the write's error.
  public func watch(
    request: Grpc_Health_V1_HealthCheckRequest,
    responses: ResponseWriter<Grpc_Health_V1_HealthCheckResponse>,
    context: ServerContext
  ) async throws {
    let (updates, continuation) = AsyncStream.makeStream(
      of: ServingStatus.self,
      bufferingPolicy: .bufferingNewest(1)
    )
    let id = self.state.withLock { state -> Int? in
      continuation.yield(state.statuses[request.service] ?? .serviceUnknown)
      guard !state.watchesEnded else { return nil }
      let id = state.nextWatcherID
      state.nextWatcherID += 1
      state.watchers[id] = Watcher(service: request.service, updates: continuation)
      return id
    }
    defer {
      if let id { _ = self.state.withLock { $0.watchers.removeValue(forKey: id) } }
    }
    if id == nil { continuation.finish() }

    var lastSent: ServingStatus?
    for await status in updates where status != lastSent {
      try await responses.write(Grpc_Health_V1_HealthCheckResponse(status: status))
      lastSent = status
    }
    try Task.checkCancellation()
    throw RPCError(code: .unavailable, message: "the server is shutting down")
  }

  private static func notify(_ state: inout State, service: String, status: ServingStatus) {
    for watcher in state.watchers.values where watcher.service == service {
      watcher.updates.yield(status)
    }
  }
}
