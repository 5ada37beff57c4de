public import Logging

/// A gRPC server: the services it offers, served over a transport.
///
/// ```swift
/// let transport = NGHTTP2ServerTransport(host: "127.0.0.1", port: 50051)
/// let server = GRPCServer(transport: transport, services: [EchoService()])
/// try await server.serve()   // until server.beginGracefulShutdown()
/// ```
public final class GRPCServer: Sendable {
  /// The methods served.
  public let router: RPCRouter
  private let transport: any ServerTransport
  private let logger: Logger

  /// Creates a server.
  ///
  /// - Parameters:
  ///   - transport: Where calls come from.
  ///   - services: The implementations to serve.
  ///   - logger: Receives connection and call events (info level and below).
  public init(
    transport: any ServerTransport,
    services: [any RegistrableRPCService],
    logger: Logger = Logger(label: "grpc.server")
  ) {
    var router = RPCRouter()
    for service in services { service.registerMethods(with: &router) }
    self.router = router
    self.transport = transport
    self.logger = logger
  }

  /// Serves until the transport stops.
  ///
  /// - Throws: When the transport cannot listen.
  public func serve() async throws {
    try await self.transport.listen(router: self.router, logger: self.logger)
  }

  /// Stops accepting calls; ``serve()`` returns once open calls end.
  public func beginGracefulShutdown() {
    self.transport.beginGracefulShutdown()
  }
}
