// The interceptors the README shows, built here so that the README's code compiles; the tests
// in ServerInterceptorTests use them.
import GRPCKit
import Logging

/// Rejects every call without a valid bearer token (`authorization: Bearer <token>`) with
/// `UNAUTHENTICATED`, before the handler runs.
struct BearerTokenInterceptor: ServerInterceptor {
  let isValid: @Sendable (String) async -> Bool

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next: @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) async throws {
    guard let header = context.requestMetadata.first("authorization"), header.hasPrefix("Bearer "),
      await self.isValid(String(header.dropFirst("Bearer ".count)))
    else {
      throw RPCError(code: .unauthenticated, message: "a valid bearer token is required")
    }
    try await next(requests, responses, context)
  }
}

/// Sends a bearer token with every call.
struct BearerTokenClientInterceptor: ClientInterceptor {
  let token: String

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    options: CallOptions,
    context: ClientContext,
    next: (CallOptions, ClientContext) async throws -> ClientCallStreams<Request, Response>
  ) async throws -> ClientCallStreams<Request, Response> {
    var options = options
    options.metadata.add("authorization", "Bearer \(self.token)")
    return try await next(options, context)
  }
}

/// Logs one line per call when it ends: the method, the peer, the status, the messages each
/// way and the duration.
struct LoggingServerInterceptor: ServerInterceptor {
  let logger: Logger

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next: @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) async throws {
    let start = ContinuousClock.now
    let received = MessageCounter(), sent = MessageCounter()
    let countedRequests = RequestStream(requests.map { request in received.increment(); return request })
    let countedResponses = ResponseWriter<Response> { response, compress in
      sent.increment()
      try await responses.write(response, compress: compress)
    }
    var status = Status.ok
    defer {
      self.logger.info(
        "call ended",
        metadata: [
          "grpc.method": "\(context.method.path)", "grpc.peer": "\(context.peer)",
          "grpc.code": "\(status.code)", "grpc.message": "\(status.message)",
          "grpc.received": "\(received.count)", "grpc.sent": "\(sent.count)",
          "grpc.duration_ms": "\((ContinuousClock.now - start) / .milliseconds(1))",
        ])
    }
    do {
      try await next(countedRequests, countedResponses, context)
    } catch let error as RPCError {
      status = error.status
      throw error
    }
  }
}
