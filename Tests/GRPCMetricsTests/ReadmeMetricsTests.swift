import GRPCKit
import GRPCKitNGHTTP2
import GRPCMetrics
import GRPCTestSupport
import Prometheus
import Testing

@Suite("README: metrics")
struct ReadmeMetricsTests {
  @Test("The README's metrics example records a call on both sides")
  func readmeExample() async throws {
    let transport = NGHTTP2ServerTransport(host: "127.0.0.1", port: 0)

    // README "Metrics", verbatim from here…
    let registry = PrometheusCollectorRegistry()
    // or MetricsSystem.bootstrap(factory)
    let factory = PrometheusMetricsFactory(registry: registry)
    let server = GRPCServer(
      transport: transport,
      services: [EchoService()],
      interceptors: [ServerMetricsInterceptor(factory: factory)]
    )
    // …to here.

    let serving = Task { try await server.serve() }
    defer {
      server.beginGracefulShutdown()
      serving.cancel()
    }
    let channel = NGHTTP2ClientTransport(
      host: "127.0.0.1",
      port: try await transport.listeningPort()
    )
    defer { channel.close() }

    // README "Metrics", verbatim from here…
    let client = GRPCClient(
      transport: channel,
      interceptors: [ClientMetricsInterceptor(factory: factory)]
    )

    var text: [UInt8] = []
    // …to here, with the call between.
    _ = try await Echo_Echo.Client(wrapping: client).get(Echo_EchoRequest(text: "hi"))
    registry.emit(into: &text)  // grpc_server_started_total{grpc_type="unary",...} 1

    let samples = try await PrometheusSample.parse(
      String(decoding: text, as: UTF8.self),
      prefixes: ["grpc_"]
    )
    let labels = ["grpc_type": "unary", "grpc_service": "echo.Echo", "grpc_method": "Get"]
    #expect(
      samples.contains(
        PrometheusSample(name: "grpc_server_started_total", labels: labels, value: 1)
      )
    )
    #expect(
      samples.contains(
        PrometheusSample(name: "grpc_client_started_total", labels: labels, value: 1)
      )
    )
  }
}
