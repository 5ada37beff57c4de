import GRPCKit
import GRPCLocking
import Logging

/// Binds each call's trace context (``CallTrace``) for the log lines its handler writes (the
/// server span's when calls are traced, else the request's trace headers), and,
/// with `--access-log`, writes one info line per call when it ends:
///
/// ```json
/// {"time":"…","severity":"INFO","message":"call","event":"call","level":"info",
///  "grpc.code":"OK","grpc.duration_ms":12.5,"grpc.messages_in":1,"grpc.messages_out":1,
///  "grpc.method":"/chat.v1.RoomEvents/Publish","grpc.peer":"ipv4:127.0.0.1:53412"}
/// ```
struct CallLogInterceptor: ServerInterceptor {
  let logger: Logger
  let accessLog: Bool
  /// The trace of the span the call runs in, when calls are traced (`--otlp-endpoint`).
  let spanTrace: (@Sendable () -> CallTrace?)?

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next:
      @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws ->
      Void
  ) async throws {
    let trace = self.spanTrace?() ?? CallTrace(metadata: context.requestMetadata)
    guard self.accessLog else {
      guard let trace else { return try await next(requests, responses, context) }
      return try await CallTrace.$current.withValue(trace) {
        try await next(requests, responses, context)
      }
    }
    let counts = Mutex((received: 0, sent: 0))
    let countedRequests = RequestStream(observing: requests) { _ in
      counts.withLock { $0.received += 1 }
    }
    let countedResponses = ResponseWriter<Response> { message, compress in
      try await responses.write(message, compress: compress)
      counts.withLock { $0.sent += 1 }
    }
    let start = ContinuousClock.now
    var code = Status.Code.ok
    defer {
      let elapsed = ContinuousClock.now - start
      let (received, sent) = counts.withLock { ($0.received, $0.sent) }
      let milliseconds =
        Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
      CallTrace.$current.withValue(trace) {
        self.logger.info(
          "call",
          metadata: [
            "grpc.method": "\(context.method.path)",
            "grpc.code": "\(code.name)",
            "grpc.duration_ms": .stringConvertible((milliseconds * 1000).rounded() / 1000),
            "grpc.peer": "\(context.peer)",
            "grpc.messages_in": .stringConvertible(received),
            "grpc.messages_out": .stringConvertible(sent),
          ]
        )
      }
    }
    do {
      try await CallTrace.$current.withValue(trace) {
        try await next(countedRequests, countedResponses, context)
      }
    } catch {
      code = (error as? RPCError)?.code ?? .unknown
      throw error
    }
  }
}
