public import GRPCKit
public import GRPCKitNGHTTP2
import Logging

/// Runs a server on a free loopback port for the duration of `body`, like `withTestServer`,
/// and gives `body` the transport too (for ``NGHTTP2ServerTransport/reloadTLSCertificates()``).
///
/// - Parameters:
///   - services: The services to serve.
///   - interceptors: Server interceptors and the calls they apply to.
///   - configuration: Transport settings.
///   - body: Gets the transport and the bound port.
public func withTestServerTransport<Result: Sendable>(
  services: [any RegistrableRPCService] = [EchoService()],
  interceptors: [ConditionalInterceptor<any ServerInterceptor>] = [],
  configuration: NGHTTP2ServerConfiguration = NGHTTP2ServerConfiguration(),
  _ body: (NGHTTP2ServerTransport, Int) async throws -> Result
) async throws -> Result {
  var configuration = configuration
  // Bounded teardown: connections still open after GOAWAY are closed after this.
  configuration.shutdownGracePeriod = .seconds(2)
  let transport = NGHTTP2ServerTransport(host: "127.0.0.1", port: 0, configuration: configuration)
  var logger = Logger(label: "test.server")
  logger.logLevel = .critical
  let server = GRPCServer(transport: transport, services: services, interceptorPipeline: interceptors, logger: logger)
  return try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.serve() }
    defer {
      server.beginGracefulShutdown()
      group.cancelAll()
    }
    let port = try await transport.listeningPort()
    return try await body(transport, port)
  }
}
