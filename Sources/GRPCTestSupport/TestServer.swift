public import GRPCKit
public import GRPCKitNGHTTP2

/// Runs a server on a free loopback port for the duration of `body`, then shuts it down.
///
/// - Parameters:
///   - services: The services to serve.
///   - interceptors: Server interceptors and the calls they apply to.
///   - configuration: Transport limits.
///   - body: Gets the bound port.
public func withTestServer<Result: Sendable>(
  services: [any RegistrableRPCService] = [EchoService()],
  interceptors: [ConditionalInterceptor<any ServerInterceptor>] = [],
  configuration: NGHTTP2ServerConfiguration = NGHTTP2ServerConfiguration(),
  _ body: (Int) async throws -> Result
) async throws -> Result {
  try await withTestServerTransport(services: services, interceptors: interceptors, configuration: configuration) {
    _, port in
    try await body(port)
  }
}

/// An Echo client on a fresh connection to `127.0.0.1:port`, closed after `body`.
///
/// - Parameters:
///   - port: The server's port.
///   - configuration: Transport settings.
///   - interceptors: Client interceptors and the calls they apply to.
///   - body: Gets the client.
public func withEchoClient<Result: Sendable>(
  port: Int,
  configuration: NGHTTP2ClientConfiguration = NGHTTP2ClientConfiguration(),
  interceptors: [ConditionalInterceptor<any ClientInterceptor>] = [],
  _ body: (Echo_Echo.Client) async throws -> Result
) async throws -> Result {
  let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port, configuration: configuration)
  defer { transport.close() }
  let client = GRPCClient(transport: transport, interceptorPipeline: interceptors)
  return try await body(Echo_Echo.Client(wrapping: client))
}
