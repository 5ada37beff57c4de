public import GRPCKit
public import GRPCKitNGHTTP2
import Logging

/// Runs a server on a free loopback port for the duration of `body`, then shuts it down.
///
/// - Parameters:
///   - services: The services to serve.
///   - configuration: Transport limits.
///   - body: Gets the bound port.
public func withTestServer<Result: Sendable>(
  services: [any RegistrableRPCService] = [EchoService()],
  configuration: NGHTTP2ServerConfiguration = NGHTTP2ServerConfiguration(),
  _ body: (Int) async throws -> Result
) async throws -> Result {
  var configuration = configuration
  // Bounded teardown: connections still open after GOAWAY are closed after this.
  configuration.shutdownGracePeriod = .seconds(2)
  let transport = NGHTTP2ServerTransport(host: "127.0.0.1", port: 0, configuration: configuration)
  var logger = Logger(label: "test.server")
  logger.logLevel = .critical
  let server = GRPCServer(transport: transport, services: services, logger: logger)
  return try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.serve() }
    defer {
      server.beginGracefulShutdown()
      group.cancelAll()
    }
    let port = try await transport.listeningPort()
    return try await body(port)
  }
}

/// An Echo client on a fresh connection to `127.0.0.1:port`, closed after `body`.
public func withEchoClient<Result: Sendable>(
  port: Int,
  configuration: NGHTTP2ClientConfiguration = NGHTTP2ClientConfiguration(),
  _ body: (Echo_Echo.Client) async throws -> Result
) async throws -> Result {
  let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port, configuration: configuration)
  defer { transport.close() }
  return try await body(Echo_Echo.Client(wrapping: GRPCClient(transport: transport)))
}
