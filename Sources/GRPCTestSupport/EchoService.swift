public import GRPCKit

/// The Swift implementation of `echo.Echo`, with the behaviour described in `echo.proto` (the
/// Python interop server implements the same).
public struct EchoService: Echo_Echo.ServiceProtocol {
  public init() {}

  public func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    Self.echoHeaders(context)
    try await Self.obey(request)
    return Echo_EchoResponse(text: request.text, payload: request.payload)
  }

  public func collect(
    requests: RequestStream<Echo_EchoRequest>,
    context: ServerContext
  ) async throws -> Echo_EchoResponse {
    Self.echoHeaders(context)
    var texts: [String] = []
    var payload: [UInt8] = []
    for try await request in requests {
      try await Self.obey(request)
      texts.append(request.text)
      payload.append(contentsOf: request.payload)
    }
    return Echo_EchoResponse(text: texts.joined(separator: " "), payload: payload)
  }

  public func expand(
    request: Echo_EchoRequest,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    Self.echoHeaders(context)
    try await Self.obey(request)
    for word in request.text.split(separator: " ") {
      try await responses.write(Echo_EchoResponse(text: String(word), payload: request.payload))
    }
  }

  public func update(
    requests: RequestStream<Echo_EchoRequest>,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    Self.echoHeaders(context)
    for try await request in requests {
      try await Self.obey(request)
      try await responses.write(Echo_EchoResponse(text: request.text, payload: request.payload))
    }
  }

  /// Waits `delay_ms`, then fails with `status_code` when it is set.
  private static func obey(_ request: Echo_EchoRequest) async throws {
    if request.delayMs > 0 {
      try await Task.sleep(for: .milliseconds(Int(request.delayMs)))
    }
    if request.statusCode != 0 {
      throw RPCError(
        code: Status.Code(rawValue: Int(request.statusCode)) ?? .unknown,
        message: request.statusMessage)
    }
  }

  private static func echoHeaders(_ context: ServerContext) {
    var headers = Metadata()
    for entry in context.requestMetadata where entry.key.hasPrefix("x-echo-") {
      switch entry.value {
      case .string(let value): headers.add(entry.key, value)
      case .binary(let bytes): headers.add(entry.key, binary: bytes)
      }
    }
    context.addResponseHeaders(headers)
    context.addTrailers(["x-trailer": "done"])
  }
}
