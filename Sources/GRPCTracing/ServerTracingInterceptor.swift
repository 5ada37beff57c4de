public import GRPCKit
import Tracing

/// Traces every server call it intercepts: extracts the caller's trace context from the request
/// metadata (W3C `traceparent` and `tracestate`, through the bootstrapped tracer's `Instrument`,
/// so any tracer works), and runs the rest of the call in a server span that is its child.
///
/// The span's context is the task-local `InstrumentationContext.current` (`ServiceContext`)
/// while the handler runs, so the calls a handler makes (through a ``ClientTracingInterceptor``)
/// are child spans, in the handler's task and in tasks it creates with `Task {}`, as
/// ``GRPCKit/ServerContext/current`` is. A malformed or absent `traceparent` starts a new trace.
///
/// Spans are named `SERVICE/METHOD` and carry OpenTelemetry's RPC attributes (`rpc.system`
/// `grpc`, `rpc.service`, `rpc.method`, `rpc.grpc.status_code`); a call that ends with
/// `UNKNOWN`, `DEADLINE_EXCEEDED`, `UNIMPLEMENTED`, `INTERNAL`, `UNAVAILABLE` or `DATA_LOSS` (a
/// server fault) has error status. Without a bootstrapped tracer the spans are no-ops.
///
/// ```swift
/// InstrumentationSystem.bootstrap(tracer)   // for example swift-otel's OTelTracer
/// let server = GRPCServer(
///   transport: transport, services: [EchoService()], interceptors: [ServerTracingInterceptor()])
/// ```
public struct ServerTracingInterceptor: ServerInterceptor {
  /// Creates the interceptor.
  public init() {}

  public func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next:
      @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws ->
      Void
  ) async throws {
    var parent = InstrumentationContext.topLevel
    InstrumentationSystem.instrument.extract(
      RedactedMetadata(context.requestMetadata),
      into: &parent,
      using: RedactedMetadata.Extractor()
    )
    let method = context.method
    // Not withSpan: it marks every thrown error as a span error, and a server span is an error
    // only for a server fault.
    let span = startSpan("\(method.serviceName)/\(method.name)", context: parent, ofKind: .server)
    defer { span.end() }
    span.updateAttributes { attributes in
      attributes["rpc.system"] = "grpc"
      attributes["rpc.service"] = method.serviceName
      attributes["rpc.method"] = method.name
    }
    do {
      try await InstrumentationContext.$current.withValue(span.context) {
        try await next(requests, responses, context)
      }
      span.attributes["rpc.grpc.status_code"] = Status.Code.ok.rawValue
    } catch {
      let code = (error as? RPCError)?.code ?? .unknown
      span.attributes["rpc.grpc.status_code"] = code.rawValue
      if Self.serverFaults.contains(code) {
        span.recordError(error)
        span.setStatus(SpanStatus(code: .error, message: code.name))
      }
      throw error
    }
  }

  /// The codes that mark a server span as failed (OpenTelemetry's RPC conventions); the others
  /// are the client's doing.
  static let serverFaults: Set<Status.Code> = [
    .unknown, .deadlineExceeded, .unimplemented, .internal, .unavailable, .dataLoss,
  ]
}

/// Request metadata handed to a tracer's `extract`, whose description names the keys only: a
/// tracer that logs the carrier of a malformed header (swift-otel does, at warning) must not log
/// credentials such as `authorization`.
struct RedactedMetadata: Sendable, CustomStringConvertible {
  let metadata: Metadata

  init(_ metadata: Metadata) {
    self.metadata = metadata
  }

  var description: String {
    "[" + self.metadata.map { "\($0.key): <redacted>" }.joined(separator: ", ") + "]"
  }

  struct Extractor: Tracing.Extractor {
    func extract(key: String, from carrier: RedactedMetadata) -> String? {
      carrier.metadata.first(key)
    }
  }
}
