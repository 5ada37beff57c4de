extension GRPCClient {
  /// Passes the call to the first of `interceptors`, whose `next` passes it to the rest, and
  /// the last one's to `start`, which opens the stream. An error an interceptor throws that is
  /// not an ``RPCError`` becomes `UNKNOWN` naming the interceptor, with the error as its cause.
  static func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    options: CallOptions,
    context: ClientContext,
    interceptors: ArraySlice<any ClientInterceptor>,
    start: (CallOptions, ClientContext) async throws -> ClientCallStreams<Request, Response>
  ) async throws -> ClientCallStreams<Request, Response> {
    guard let interceptor = interceptors.first else { return try await start(options, context) }
    do {
      return try await interceptor.intercept(options: options, context: context) { options, context in
        try await Self.intercept(
          options: options, context: context, interceptors: interceptors.dropFirst(), start: start)
      }
    } catch {
      throw RPCError(wrapping: error, thrownBy: "client interceptor \(type(of: interceptor))")
    }
  }
}

/// A client's interceptors and the calls they apply to, resolved per method.
struct ClientInterceptorPipeline: Sendable {
  private let pipeline: [ConditionalInterceptor<any ClientInterceptor>]
  /// The interceptors when every one applies to every call (and no filtering is needed).
  private let everyCall: [any ClientInterceptor]?

  init(_ pipeline: [ConditionalInterceptor<any ClientInterceptor>]) {
    self.pipeline = pipeline
    self.everyCall = pipeline.allSatisfy(\.subject.isAll) ? pipeline.map(\.interceptor) : nil
  }

  /// The interceptors calls of `method` pass through, in order.
  func interceptors(for method: ProtobufMethodDescriptor) -> [any ClientInterceptor] {
    if let everyCall { return everyCall }
    return self.pipeline.filter { $0.subject.applies(to: method) }.map(\.interceptor)
  }
}
