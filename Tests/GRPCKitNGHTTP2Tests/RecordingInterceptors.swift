import GRPCKit

/// Records `NAME in` when a call reaches it and `NAME out` when the rest of the chain returned
/// (or threw).
struct RecordingServerInterceptor: ServerInterceptor {
  let name: String
  let log: EventLog

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next: @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) async throws {
    self.log.record("\(self.name) in")
    defer { self.log.record("\(self.name) out") }
    try await next(requests, responses, context)
  }
}

/// Records `NAME in` when a call reaches it and `NAME out` once the call started.
struct RecordingClientInterceptor: ClientInterceptor {
  let name: String
  let log: EventLog

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    options: CallOptions,
    context: ClientContext,
    next: (CallOptions, ClientContext) async throws -> ClientCallStreams<Request, Response>
  ) async throws -> ClientCallStreams<Request, Response> {
    self.log.record("\(self.name) in")
    defer { self.log.record("\(self.name) out") }
    return try await next(options, context)
  }
}

/// Throws `error` instead of passing the call on (server side).
struct ThrowingServerInterceptor: ServerInterceptor {
  let error: any Error & Sendable

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next: @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) async throws {
    throw self.error
  }
}

/// Throws `error` instead of starting the call (client side).
struct ThrowingClientInterceptor: ClientInterceptor {
  let error: any Error & Sendable

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    options: CallOptions,
    context: ClientContext,
    next: (CallOptions, ClientContext) async throws -> ClientCallStreams<Request, Response>
  ) async throws -> ClientCallStreams<Request, Response> {
    throw self.error
  }
}

/// An error that is not an `RPCError`.
struct Boom: Error, CustomStringConvertible {
  var description: String { "boom" }
}

/// What an interceptor under test throws: an `RPCError`, or another error.
enum ThrownError: String, CaseIterable, Sendable {
  case rpcError
  case otherError

  static let rpcErrorValue = RPCError(code: .permissionDenied, message: "not for you", metadata: ["x-reason": "test"])

  var error: any Error & Sendable {
    switch self {
    case .rpcError: return Self.rpcErrorValue
    case .otherError: return Boom()
    }
  }
}
