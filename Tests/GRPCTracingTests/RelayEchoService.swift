import GRPCKit
import GRPCLocking
import GRPCTestSupport

/// The outer server of a tracing test: `Get` asks the inner server's `Get` (through `inner`, a
/// client with ``ClientTracingInterceptor``) and answers with its reply.
struct RelayEchoService: Echo_Echo.ServiceProtocol {
  let inner: Echo_Echo.Client

  func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    try await self.inner.get(request, options: CallOptions(timeout: .seconds(30)))
  }

  func collect(
    requests: RequestStream<Echo_EchoRequest>,
    context: ServerContext
  ) async throws -> Echo_EchoResponse {
    throw RPCError(code: .unimplemented, message: "not used")
  }

  func expand(
    request: Echo_EchoRequest,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    throw RPCError(code: .unimplemented, message: "not used")
  }

  func update(
    requests: RequestStream<Echo_EchoRequest>,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    throw RPCError(code: .unimplemented, message: "not used")
  }
}

/// Records the `traceparent` of every call it sees.
final class TraceparentRecorder: ServerInterceptor {
  let seen = Mutex<[String?]>([])

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next:
      @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws ->
      Void
  ) async throws {
    self.seen.withLock { $0.append(context.requestMetadata.first("traceparent")) }
    try await next(requests, responses, context)
  }
}
