public import GRPCKit
import Logging

/// Serves `services` in memory for the duration of `body`, which gets a client of them; then
/// shuts the server down and waits for its calls to end. For testing a service hermetically:
/// no ports, no sockets, the same ``GRPCServer`` and ``GRPCClient`` as in production.
///
/// ```swift
/// import GRPCKitTesting
/// import Testing
///
/// @Test func echoesTheText() async throws {
///   try await withInProcessServer(services: [EchoService()]) { client in
///     let echo = Echo_Echo.Client(wrapping: client)
///     let reply = try await echo.get(Echo_EchoRequest(text: "hi"))
///     #expect(reply.text == "hi")
///   }
/// }
/// ```
///
/// - Parameters:
///   - services: The services to serve.
///   - serverInterceptors: Run around every call on the server, the first one outermost.
///   - clientInterceptors: Run around every call of the client, the first one first.
///   - transport: The in-process transport to use (for other message size limits).
///   - body: Gets a client of the server.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws, or what the server threw.
public func withInProcessServer<Result: Sendable>(
  services: [any RegistrableRPCService],
  serverInterceptors: [any ServerInterceptor] = [],
  clientInterceptors: [any ClientInterceptor] = [],
  transport: InProcessTransport = InProcessTransport(),
  _ body: (GRPCClient) async throws -> Result
) async throws -> Result {
  let server = GRPCServer(
    transport: transport.server,
    services: services,
    interceptors: serverInterceptors,
    logger: Logger(label: "grpc.server.in-process")
  )
  let client = GRPCClient(transport: transport.client, interceptors: clientInterceptors)
  return try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.serve() }
    let result: Result
    do {
      result = try await body(client)
    } catch {
      server.beginGracefulShutdown()
      group.cancelAll()
      throw error
    }
    server.beginGracefulShutdown()
    try await group.waitForAll()
    return result
  }
}
