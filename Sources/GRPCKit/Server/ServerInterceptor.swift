/// Code that runs around every server call it is installed for, before the method's handler:
/// authentication, logging, metrics, tracing.
///
/// An interceptor sees the method (``ServerContext/method``), the request metadata
/// (``ServerContext/requestMetadata``) and the call's request and response streams, and decides
/// what the next interceptor (or, for the last one, the handler) gets: it can
///
/// - pass everything on unchanged: `try await next(requests, responses, context)`;
/// - change the request metadata the rest see
///   (`context.replacingRequestMetadata(with:)`), or add response headers and trailers
///   (``ServerContext/addResponseHeaders(_:)``, ``ServerContext/addTrailers(_:)``);
/// - wrap or replace the streams: a ``RequestStream`` over any `AsyncSequence` of messages, a
///   ``ResponseWriter`` over a closure;
/// - end the call without calling `next` by throwing an ``RPCError``: its status and metadata
///   go to the client and the handler never runs. Any other error ends the call with
///   `UNKNOWN`, naming the interceptor and the error (the ``RPCError/cause``).
///
/// Errors the handler (or a later interceptor) throws come out of `next` as ``RPCError``s; an
/// interceptor may catch them, and what it throws or returns decides the call's status.
///
/// Install interceptors on ``GRPCServer`` for every call, or for some services or methods with
/// ``ConditionalInterceptor``; they run in the order given.
///
/// ```swift
/// /// Rejects calls without a valid bearer token.
/// struct BearerTokenInterceptor: ServerInterceptor {
///   let isValid: @Sendable (String) async -> Bool
///
///   func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
///     requests: RequestStream<Request>,
///     responses: ResponseWriter<Response>,
///     context: ServerContext,
///     next: @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
///   ) async throws {
///     guard let header = context.requestMetadata.first("authorization"), header.hasPrefix("Bearer "),
///       await self.isValid(String(header.dropFirst("Bearer ".count)))
///     else {
///       throw RPCError(code: .unauthenticated, message: "a valid bearer token is required")
///     }
///     try await next(requests, responses, context)
///   }
/// }
///
/// let server = GRPCServer(
///   transport: transport, services: [EchoService()],
///   interceptors: [BearerTokenInterceptor(isValid: { $0 == "secret" })])
/// ```
public protocol ServerInterceptor: Sendable {
  /// Intercepts one call.
  ///
  /// - Parameters:
  ///   - requests: The request messages, as the transport (or the previous interceptor) gives
  ///     them.
  ///   - responses: Where responses are written.
  ///   - context: The call's context.
  ///   - next: Runs the rest of the chain (the next interceptor, or the handler) with the
  ///     streams and context given; returns when the handler has returned.
  /// - Throws: An ``RPCError`` to end the call with its status.
  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next: @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) async throws
}
