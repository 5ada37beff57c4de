public import GRPCKit
import GRPCKitNGHTTP2
import Logging

/// A server started for a test that outlives one scope: several of them can run at once, and
/// each can drain or stop while clients keep going (restarts, GOAWAY, round-robin tests).
///
/// ```swift
/// let server = try await RunningTestServer.start(services: [ServerNameEchoService(name: "a")])
/// defer { server.beginGracefulShutdown() }
/// let target = "127.0.0.1:\(server.port)"
/// ```
public final class RunningTestServer: Sendable {
  /// The bound port (0 on a Unix domain socket).
  public let port: Int
  private let server: GRPCServer
  private let serving: Task<Void, any Error>

  private init(server: GRPCServer, port: Int, serving: Task<Void, any Error>) {
    self.server = server
    self.port = port
    self.serving = serving
  }

  /// Starts a server on `host:port` (0: a free port) and waits until it listens.
  ///
  /// - Parameters:
  ///   - host: The address to bind.
  ///   - port: The port, 0 for a free one.
  ///   - services: The services.
  ///   - shutdownGracePeriod: How long open calls may run after a graceful shutdown begins
  ///     (short by default, so that `stop()` is quick).
  /// - Throws: The bind error.
  public static func start(
    host: String = "127.0.0.1",
    port: Int = 0,
    services: [any RegistrableRPCService] = [EchoService()],
    shutdownGracePeriod: Duration = .seconds(5)
  ) async throws -> RunningTestServer {
    var configuration = Self.configuration
    configuration.shutdownGracePeriod = shutdownGracePeriod
    return try await Self.start(
      NGHTTP2ServerTransport(host: host, port: port, configuration: configuration), services: services)
  }

  /// Starts a server on the Unix domain socket `path` and waits until it listens.
  ///
  /// - Parameters:
  ///   - path: The socket path.
  ///   - services: The services.
  /// - Throws: The bind error.
  public static func start(
    unixDomainSocketPath path: String,
    services: [any RegistrableRPCService] = [EchoService()]
  ) async throws -> RunningTestServer {
    try await Self.start(NGHTTP2ServerTransport(unixDomainSocketPath: path, configuration: Self.configuration), services: services)
  }

  private static var configuration: NGHTTP2ServerConfiguration {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.shutdownGracePeriod = .seconds(5)
    return configuration
  }

  private static func start(
    _ transport: NGHTTP2ServerTransport,
    services: [any RegistrableRPCService]
  ) async throws -> RunningTestServer {
    var logger = Logger(label: "test.server")
    logger.logLevel = .critical
    let server = GRPCServer(transport: transport, services: services, logger: logger)
    let serving = Task { try await server.serve() }
    do {
      let port = try await transport.listeningPort()
      return RunningTestServer(server: server, port: port, serving: serving)
    } catch {
      serving.cancel()
      throw error
    }
  }

  /// Stops accepting calls (GOAWAY); open calls finish.
  public func beginGracefulShutdown() {
    self.server.beginGracefulShutdown()
  }

  /// Shuts down gracefully and waits until the server stopped (open calls ended, port free).
  public func stop() async {
    self.server.beginGracefulShutdown()
    _ = try? await self.serving.value
  }
}
