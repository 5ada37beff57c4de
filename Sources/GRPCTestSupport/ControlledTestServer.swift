public import GRPCKit
public import GRPCKitNGHTTP2
public import Logging

/// A server on a free loopback port whose configuration (grace period included) and shutdown the
/// test controls.
public struct ControlledTestServer: Sendable {
  /// The bound port.
  public let port: Int
  /// The server; ``GRPCServer/beginGracefulShutdown()`` starts the drain.
  public let server: GRPCServer
  private let stopped: Task<Void, any Error>

  fileprivate init(port: Int, server: GRPCServer, stopped: Task<Void, any Error>) {
    self.port = port
    self.server = server
    self.stopped = stopped
  }

  /// Waits until `serve()` has returned: every connection closed.
  public func waitUntilStopped() async throws {
    try await self.stopped.value
  }
}

/// Runs a server with exactly `configuration` on a free loopback port for the duration of
/// `body`, then shuts it down (if `body` did not) and waits until it has stopped.
///
/// - Parameters:
///   - services: The services to serve.
///   - configuration: Transport settings, used as given.
///   - maximumOpenCalls: The server's open call limit.
///   - logger: The server's logger (default: critical messages only).
///   - body: Gets the running server.
public func withControlledTestServer<Result: Sendable>(
  services: [any RegistrableRPCService] = [EchoService()],
  configuration: NGHTTP2ServerConfiguration,
  maximumOpenCalls: Int? = nil,
  logger: Logger? = nil,
  _ body: (ControlledTestServer) async throws -> Result
) async throws -> Result {
  let transport = NGHTTP2ServerTransport(host: "127.0.0.1", port: 0, configuration: configuration)
  var quiet = Logger(label: "test.server")
  quiet.logLevel = .critical
  let server = GRPCServer(
    transport: transport, services: services, maximumOpenCalls: maximumOpenCalls,
    logger: logger ?? quiet)
  let serving = Task { try await server.serve() }
  let port: Int
  do {
    port = try await transport.listeningPort()
  } catch {
    serving.cancel()
    throw error
  }
  let running = ControlledTestServer(port: port, server: server, stopped: serving)
  do {
    let result = try await body(running)
    server.beginGracefulShutdown()
    try await serving.value
    return result
  } catch {
    server.beginGracefulShutdown()
    _ = try? await serving.value
    throw error
  }
}
