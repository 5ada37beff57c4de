import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Logging

/// A server interceptor that only passes the call on.
struct NoOpServerInterceptor: ServerInterceptor {
  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next: @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) async throws {
    try await next(requests, responses, context)
  }
}

/// A client interceptor that only passes the call on.
struct NoOpClientInterceptor: ClientInterceptor {
  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    options: CallOptions,
    context: ClientContext,
    next: (CallOptions, ClientContext) async throws -> ClientCallStreams<Request, Response>
  ) async throws -> ClientCallStreams<Request, Response> {
    try await next(options, context)
  }
}

func makeServer(transport: NGHTTP2ServerTransport, interceptors: Int, logger: Logger) -> GRPCServer {
  GRPCServer(
    transport: transport, services: [EchoService()],
    interceptors: Array(repeating: NoOpServerInterceptor(), count: interceptors), logger: logger)
}

func makeClient(transport: NGHTTP2ClientTransport, interceptors: Int) -> GRPCClient {
  GRPCClient(transport: transport, interceptors: Array(repeating: NoOpClientInterceptor(), count: interceptors))
}
