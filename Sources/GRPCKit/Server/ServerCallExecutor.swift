/// Runs one server call: binds its context as ``ServerContext/current``, passes it through the
/// method's interceptors to the handler, and ends the call with the outcome as status and
/// trailers.
package enum ServerCallExecutor {
  /// A method implementation, in its most general (bidirectional) form.
  package typealias Handler<Request: ProtobufMessage, Response: ProtobufMessage> =
    @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void

  /// Runs the call and ends it: `OK` with the context's trailers when the handler returns, the
  /// error's status and metadata (after the context's trailers) and its details (in
  /// `grpc-status-details-bin`) when something throws. A
  /// non-``RPCError`` becomes `UNKNOWN` naming the handler or the interceptor that threw it.
  static func run<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    outbound: any ServerStreamOutbound,
    context: ServerContext,
    interceptors: [any ServerInterceptor],
    handler: @escaping Handler<Request, Response>
  ) async {
    let responses = ResponseWriter<Response>(outbound: outbound)
    let status: Status
    var trailers: Metadata
    do {
      try await ServerContext.$bound.withValue(context) {
        if interceptors.isEmpty {
          try await handler(requests, responses, context)
        } else {
          try await Self.intercept(
            requests: requests, responses: responses, context: context, root: context,
            interceptors: interceptors[...], handler: handler)
        }
      }
      status = .ok
      trailers = context.trailers
    } catch {
      let error = RPCError(wrapping: error)
      status = error.status
      trailers = context.trailers
      trailers.add(contentsOf: error.metadata)
      trailers = error.trailersWithDetails(trailers)
    }
    outbound.finish(status, trailers: trailers)
  }

  /// Passes the call to the first of `interceptors`, whose `next` passes it to the rest, and
  /// the last one's to the handler. Errors are mapped to ``RPCError`` where they are thrown, so
  /// an interceptor that rethrows a handler's error does not take the blame for it.
  private static func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    root: ServerContext,
    interceptors: ArraySlice<any ServerInterceptor>,
    handler: @escaping Handler<Request, Response>
  ) async throws {
    guard let interceptor = interceptors.first else {
      do {
        if context === root {
          try await handler(requests, responses, context)
        } else {
          // An interceptor replaced the context (other metadata): the handler's task sees it.
          try await ServerContext.$bound.withValue(context) { try await handler(requests, responses, context) }
        }
      } catch {
        throw RPCError(wrapping: error)
      }
      return
    }
    let rest = interceptors.dropFirst()
    do {
      try await interceptor.intercept(requests: requests, responses: responses, context: context) {
        requests, responses, context in
        try await Self.intercept(
          requests: requests, responses: responses, context: context, root: root, interceptors: rest,
          handler: handler)
      }
    } catch {
      throw RPCError(wrapping: error, thrownBy: "server interceptor \(type(of: interceptor))")
    }
  }
}
