public import GRPCKit
public import ServiceLifecycle

/// A ``GRPCKit/GRPCServer`` is a swift-service-lifecycle `Service`: `run()` serves until the
/// transport stops, and the service group's graceful shutdown (SIGTERM, SIGINT, or
/// `triggerGracefulShutdown()`) calls `beginGracefulShutdown()`: no new calls (GOAWAY), open calls
/// finish within the transport's grace period, then `run()` returns.
///
/// ```swift
/// let server = GRPCServer(transport: transport, services: [EchoService()])
/// let group = ServiceGroup(
///   configuration: ServiceGroupConfiguration(
///     services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
/// try await group.run()
/// ```
extension GRPCServer: Service {
  public func run() async throws {
    try await withGracefulShutdownHandler {
      try await self.serve()
    } onGracefulShutdown: {
      self.beginGracefulShutdown()
    }
  }
}
