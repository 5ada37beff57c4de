import CoreMetrics
import GRPCKit
import GRPCLocking

/// The metrics of one side's calls (server or client), named and labelled as go-grpc-prometheus
/// names them: `grpc_<side>_started_total`, `grpc_<side>_handled_total`,
/// `grpc_<side>_msg_received_total`, `grpc_<side>_msg_sent_total` and
/// `grpc_<side>_handling_seconds`, with the labels `grpc_type`, `grpc_service`, `grpc_method`
/// (and `grpc_code` on the handled counter).
///
/// Each method's metrics are made once, on its first call, and kept: a call looks them up under
/// one lock and counts its messages on handles it already has, so no label array is built per
/// call or per message.
final class RPCMetricFamilies: Sendable {
  private let prefix: String
  private let factory: any MetricsFactory
  private let methods = Mutex<[String: MethodMetrics]>([:])

  /// - Parameters:
  ///   - side: `server` or `client`.
  ///   - factory: Makes the metrics.
  init(side: String, factory: any MetricsFactory) {
    self.prefix = "grpc_\(side)_"
    self.factory = factory
  }

  /// The metrics of `method`'s calls.
  func metrics(for method: ProtobufMethodDescriptor) -> MethodMetrics {
    self.methods.withLock { methods in
      if let metrics = methods[method.path] { return metrics }
      let metrics = MethodMetrics(method: method, prefix: self.prefix, factory: self.factory)
      methods[method.path] = metrics
      return metrics
    }
  }
}

/// One method's metrics.
final class MethodMetrics: Sendable {
  let started: Counter
  let received: Counter
  let sent: Counter
  let handlingTime: CoreMetrics.Timer
  /// `grpc_<side>_handled_total` per code (by wire value), made on first use.
  private let handled: Mutex<[Counter?]>
  private let labels: [(String, String)]
  private let prefix: String
  private let factory: any MetricsFactory

  init(method: ProtobufMethodDescriptor, prefix: String, factory: any MetricsFactory) {
    let labels = [
      ("grpc_type", method.kind.grpcType),
      ("grpc_service", method.serviceName),
      ("grpc_method", method.name),
    ]
    self.labels = labels
    self.prefix = prefix
    self.factory = factory
    self.started = Counter(label: prefix + "started_total", dimensions: labels, factory: factory)
    self.received = Counter(
      label: prefix + "msg_received_total",
      dimensions: labels,
      factory: factory
    )
    self.sent = Counter(label: prefix + "msg_sent_total", dimensions: labels, factory: factory)
    self.handlingTime = CoreMetrics.Timer(
      label: prefix + "handling_seconds",
      dimensions: labels,
      factory: factory
    )
    self.handled = Mutex(Array(repeating: nil, count: Status.Code.allCodes.count))
  }

  /// Counts a call that ended with `code`, and how long it took.
  func finished(_ code: Status.Code, after duration: Duration) {
    let counter = self.handled.withLock { counters in
      if let counter = counters[code.rawValue] { return counter }
      let counter = Counter(
        label: self.prefix + "handled_total",
        dimensions: self.labels + [("grpc_code", code.name)],
        factory: self.factory
      )
      counters[code.rawValue] = counter
      return counter
    }
    counter.increment()
    let (seconds, attoseconds) = duration.components
    self.handlingTime.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
  }
}

extension ProtobufMethodDescriptor.Kind {
  /// go-grpc-prometheus's `grpc_type` label: `unary`, `client_stream`, `server_stream` or
  /// `bidi_stream`.
  var grpcType: String {
    switch self {
    case .unary: return "unary"
    case .clientStreaming: return "client_stream"
    case .serverStreaming: return "server_stream"
    case .bidirectionalStreaming: return "bidi_stream"
    }
  }
}
