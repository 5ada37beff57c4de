import CoreMetrics

/// The server transport's connection-level metrics, through swift-metrics:
///
/// | metric | type | labels |
/// | --- | --- | --- |
/// | `grpc_server_connections_open` | gauge | — |
/// | `grpc_server_goaways_sent_total` | counter | `reason`: `server_shutdown`, `max_idle`, `max_age`, `too_many_pings`, `other` |
/// | `grpc_server_keepalive_closes_total` | counter | — (clients that did not answer a keepalive PING in time) |
///
/// A transport makes them only when a metrics backend is bootstrapped (`MetricsSystem.factory`
/// is not swift-metrics' no-op handler when the transport is created): otherwise it holds no
/// metrics at all and each connection event costs one `nil` check. The handles are made once, so
/// no label array is built per event.
final class ServerConnectionMetrics: Sendable {
  /// The GOAWAY reasons counted under their own label value (the debug data the lifecycle
  /// sends); any other reason counts as `other`.
  static let goAwayReasons = ["server_shutdown", "max_idle", "max_age", "too_many_pings"]

  private let open: Meter
  private let goAways: [String: Counter]
  private let otherGoAways: Counter
  private let keepaliveCloses: Counter

  init(factory: any MetricsFactory) {
    self.open = Meter(label: "grpc_server_connections_open", dimensions: [], factory: factory)
    var goAways: [String: Counter] = [:]
    for reason in Self.goAwayReasons {
      goAways[reason] = Counter(
        label: "grpc_server_goaways_sent_total",
        dimensions: [("reason", reason)],
        factory: factory
      )
    }
    self.goAways = goAways
    self.otherGoAways = Counter(
      label: "grpc_server_goaways_sent_total",
      dimensions: [("reason", "other")],
      factory: factory
    )
    self.keepaliveCloses = Counter(
      label: "grpc_server_keepalive_closes_total",
      dimensions: [],
      factory: factory
    )
  }

  /// The metrics of a new transport: `nil` when no backend is bootstrapped.
  static func ifBootstrapped() -> ServerConnectionMetrics? {
    let factory = MetricsSystem.factory
    if factory is NOOPMetricsHandler { return nil }
    return ServerConnectionMetrics(factory: factory)
  }

  func connectionOpened() { self.open.increment() }

  func connectionClosed() { self.open.decrement() }

  /// Counts the final GOAWAY of a connection, by its debug data.
  func goAwaySent(reason: String) {
    (self.goAways[reason] ?? self.otherGoAways).increment()
  }

  func keepaliveClosed() { self.keepaliveCloses.increment() }
}
