// Left out of ThreadSanitizer builds, which have no swift-otel (see Package.swift).
#if !GRPCKIT_TSAN
import Logging
import OTel
import ServiceLifecycle

/// `--otlp-endpoint`: spans exported over OTLP/HTTP (protobuf) by swift-otel, whose tracer is
/// bootstrapped as the process's `InstrumentationSystem` tracer (W3C `traceparent` propagation,
/// parent-based sampling). Logs and metrics stay with chat-server's own JSON lines and
/// Prometheus endpoint. Export failures (an unreachable collector) are logged by swift-otel
/// through `logger`; calls are never held up by them.
enum OTLPExport {
  /// Bootstraps the tracer; the returned service batches and exports spans, and flushes them when
  /// the service group shuts down.
  ///
  /// - Parameters:
  ///   - endpoint: The collector's base URL (`http://collector:4318`); `/v1/traces` is appended
  ///     unless the URL already ends with it.
  ///   - logger: Where swift-otel reports export failures.
  static func bootstrap(endpoint: String, logger: Logger) throws -> any Service {
    var configuration = OTel.Configuration.default
    configuration.serviceName = "chat-server"
    configuration.diagnosticLogger = .custom(logger)
    configuration.logs.enabled = false
    configuration.metrics.enabled = false
    configuration.traces.exporter = .otlp
    configuration.traces.otlpExporter.protocol = .httpProtobuf
    configuration.traces.otlpExporter.endpoint = Self.tracesURL(endpoint)
    return try OTel.bootstrap(configuration: configuration)
  }

  /// `endpoint` with `/v1/traces`, the OTLP/HTTP path of spans.
  static func tracesURL(_ endpoint: String) -> String {
    if endpoint.hasSuffix("/v1/traces") { return endpoint }
    return endpoint.hasSuffix("/") ? endpoint + "v1/traces" : endpoint + "/v1/traces"
  }

  /// The trace of the span the current task runs in (the call's server span), for log lines.
  static func currentTrace() -> CallTrace? {
    let metadata = Self.metadataProvider.get()
    guard case .string(let traceID)? = metadata["trace_id"],
      case .string(let spanID)? = metadata["span_id"]
    else {
      return nil
    }
    let flags: UInt8 =
      if case .string(let text)? = metadata["trace_flags"] { UInt8(text) ?? 0 } else { 0 }
    return CallTrace(traceID: traceID, spanID: spanID, sampled: flags & 1 == 1)
  }

  private static let metadataProvider = OTel.makeLoggingMetadataProvider()
}
#endif
