/// Code that runs for every client call it is installed for: adding credentials, logging,
/// metrics, tracing.
///
/// An interceptor sees the method (``ClientContext/method``) and the call's options, request
/// metadata included, before the call starts, and the call's streams once it has started. It
/// can
///
/// - change the options (``CallOptions/metadata``, timeout, compression) before passing them to
///   `next`, which starts the call (or runs the next interceptor);
/// - wrap or replace the streams `next` returns: a ``RequestWriter`` over closures, a
///   ``ResponseStream`` over any `AsyncSequence` of messages;
/// - end the call by throwing an ``RPCError`` (before or after calling `next`): the caller gets
///   it. Any other error reaches the caller as an ``RPCError`` `UNKNOWN` naming the interceptor,
///   with the error as its ``RPCError/cause``.
///
/// `next` must be called at most once. The call runs after the interceptors return: the caller
/// writes to and reads from the streams they returned, so an interceptor that wants to see the
/// end of the call wraps the response stream (its iteration ends with the status).
///
/// Install interceptors on ``GRPCClient`` for every call, or for some services or methods with
/// ``ConditionalInterceptor``; they run in the order given, and the streams of the first one
/// are those the caller uses.
///
/// ```swift
/// /// Sends a bearer token with every call.
/// struct BearerTokenClientInterceptor: ClientInterceptor {
///   let token: String
///
///   func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
///     options: CallOptions,
///     context: ClientContext,
///     next: (CallOptions, ClientContext) async throws -> ClientCallStreams<Request, Response>
///   ) async throws -> ClientCallStreams<Request, Response> {
///     var options = options
///     options.metadata.add("authorization", "Bearer \(self.token)")
///     return try await next(options, context)
///   }
/// }
///
/// let client = GRPCClient(transport: transport, interceptors: [BearerTokenClientInterceptor(token: "secret")])
/// ```
public protocol ClientInterceptor: Sendable {
  /// Intercepts one call.
  ///
  /// - Parameters:
  ///   - options: The call's options, as the caller (or the previous interceptor) set them.
  ///   - context: The method being called.
  ///   - next: Starts the call with the options given (after the remaining interceptors) and
  ///     returns its streams.
  /// - Returns: The streams the caller (or the previous interceptor) uses.
  /// - Throws: An ``RPCError`` to end the call with.
  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    options: CallOptions,
    context: ClientContext,
    next: (CallOptions, ClientContext) async throws -> ClientCallStreams<Request, Response>
  ) async throws -> ClientCallStreams<Request, Response>
}
