public import CoreMetrics
public import GRPCKit

/// Counts and times the server's calls through swift-metrics, with go-grpc-prometheus's names
/// and labels, so existing dashboards and alerts work:
///
/// | metric | type | labels |
/// | --- | --- | --- |
/// | `grpc_server_started_total` | counter | `grpc_type`, `grpc_service`, `grpc_method` |
/// | `grpc_server_handled_total` | counter | the same and `grpc_code` (`OK`, `NOT_FOUND`, …) |
/// | `grpc_server_msg_received_total` | counter | `grpc_type`, `grpc_service`, `grpc_method` |
/// | `grpc_server_msg_sent_total` | counter | `grpc_type`, `grpc_service`, `grpc_method` |
/// | `grpc_server_handling_seconds` | timer (a histogram in Prometheus) | `grpc_type`, `grpc_service`, `grpc_method` |
///
/// `grpc_type` is `unary`, `client_stream`, `server_stream` or `bidi_stream`. A call is
/// started when it reaches this interceptor and handled when the handler (and the interceptors
/// after this one) returned or threw: the code is the status the call ends with. Calls the
/// server rejects before any interceptor runs (an unknown method, a malformed request) are not
/// counted, as in go-grpc-prometheus.
///
/// Nothing is recorded until the interceptor is installed, and what it records goes to the
/// swift-metrics backend the program bootstrapped (none: swift-metrics' no-op handler).
///
/// ```swift
/// let registry = PrometheusCollectorRegistry()
/// MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
/// let server = GRPCServer(
///   transport: transport, services: [EchoService()], interceptors: [ServerMetricsInterceptor()])
/// ```
public struct ServerMetricsInterceptor: ServerInterceptor {
  private let families: RPCMetricFamilies

  /// Creates the interceptor.
  ///
  /// - Parameter factory: Makes the metrics; by default the backend bootstrapped with
  ///   `MetricsSystem.bootstrap` (read when the interceptor is created).
  public init(factory: any MetricsFactory = MetricsSystem.factory) {
    self.families = RPCMetricFamilies(side: "server", factory: factory)
  }

  public func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next:
      @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws ->
      Void
  ) async throws {
    let metrics = self.families.metrics(for: context.method)
    metrics.started.increment()
    let start = ContinuousClock.now
    let received = metrics.received
    let sent = metrics.sent
    let countedRequests = RequestStream(observing: requests) { _ in received.increment() }
    let countedResponses = ResponseWriter<Response> { message, compress in
      try await responses.write(message, compress: compress)
      sent.increment()
    }
    do {
      try await next(countedRequests, countedResponses, context)
    } catch {
      metrics.finished((error as? RPCError)?.code ?? .unknown, after: .now - start)
      throw error
    }
    metrics.finished(.ok, after: .now - start)
  }
}
