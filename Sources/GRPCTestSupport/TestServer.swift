public import GRPCKit
public import GRPCKitNGHTTP2

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
  try await withTestServerTransport(services: services, configuration: configuration) { _, port in
    try await body(port)
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
