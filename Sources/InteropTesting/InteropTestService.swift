public import GRPCKit

#if canImport(Glibc)
  import Glibc
#endif

/// `grpc.testing.TestService` as the gRPC interop test descriptions specify its server
/// features (`doc/interop-test-descriptions.md`, "Server").
///
/// - `EmptyCall`, `UnaryCall`, `CacheableUnaryCall`, `StreamingOutputCall`,
///   `StreamingInputCall`, `FullDuplexCall` and `HalfDuplexCall`, with payloads of zeros of the
///   requested sizes and `interval_us` delays;
/// - Echo Metadata: `x-grpc-test-echo-initial` comes back in the response headers and
///   `x-grpc-test-echo-trailing-bin` in the trailers;
/// - Echo Status: a request's `response_status` ends the call with that code and message;
/// - CompressedRequest: a request with `expect_compressed` set whose compressed flag does not
///   match fails with `INVALID_ARGUMENT`;
/// - CompressedResponse: `response_compressed` (unary) and `ResponseParameters.compressed`
///   (streaming) decide, per message, whether the response is compressed.
///
/// `UnimplementedCall` is not registered, nor is `grpc.testing.UnimplementedService`: the
/// router answers both with `UNIMPLEMENTED`, as the `unimplemented_*` cases expect.
///
/// ```swift
/// let server = GRPCServer(transport: transport, services: [InteropTestService()])
/// try await server.serve()
/// ```
public struct InteropTestService: RegistrableRPCService {
  typealias Service = Grpc_Testing_TestService

  /// The request header echoed in the response headers.
  public static let echoInitialKey = "x-grpc-test-echo-initial"
  /// The request header echoed in the trailers.
  public static let echoTrailingKey = "x-grpc-test-echo-trailing-bin"

  /// Creates the service.
  public init() {}

  public func registerMethods(with router: inout RPCRouter) {
    router.registerUnary(Service.Method.emptyCall) {
      (_: Grpc_Testing_Empty, context: ServerContext) -> Grpc_Testing_Empty in
      Self.echoMetadata(context)
      return Grpc_Testing_Empty()
    }
    // Unary, but registered as a stream so that the request's compressed flag can be checked.
    router.registerBidirectionalStreaming(Service.Method.unaryCall) {
      (requests: RequestStream<Grpc_Testing_SimpleRequest>, responses: ResponseWriter<Grpc_Testing_SimpleResponse>, context) in
      let request = try await Self.single(requests)
      try await responses.write(try Self.unaryCall(request, context: context))
    }
    router.registerUnary(Service.Method.cacheableUnaryCall) {
      (_: Grpc_Testing_SimpleRequest, context: ServerContext) -> Grpc_Testing_SimpleResponse in
      var headers = Metadata()
      headers.add("cache-control", "max-age=60, public")
      context.addResponseHeaders(headers)
      var now = timespec()
      clock_gettime(CLOCK_REALTIME, &now)
      let nanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
      return Grpc_Testing_SimpleResponse(payload: Grpc_Testing_Payload(body: Array("\(nanoseconds)".utf8)))
    }
    router.registerServerStreaming(Service.Method.streamingOutputCall) {
      (request: Grpc_Testing_StreamingOutputCallRequest, responses: ResponseWriter<Grpc_Testing_StreamingOutputCallResponse>, context: ServerContext) in
      try await Self.respond(to: request, with: responses, context: context)
      try Self.endWithRequestedStatus(request.responseStatus)
    }
    router.registerBidirectionalStreaming(Service.Method.streamingInputCall) {
      (requests: RequestStream<Grpc_Testing_StreamingInputCallRequest>, responses: ResponseWriter<Grpc_Testing_StreamingInputCallResponse>, _) in
      var total = 0
      for try await request in requests {
        try Self.checkCompression(expected: request.expectCompressed, actual: requests.lastMessageWasCompressed)
        total += request.payload?.body.count ?? 0
      }
      try await responses.write(Grpc_Testing_StreamingInputCallResponse(aggregatedPayloadSize: Int32(clamping: total)))
    }
    router.registerBidirectionalStreaming(Service.Method.fullDuplexCall) {
      (requests: RequestStream<Grpc_Testing_StreamingOutputCallRequest>, responses: ResponseWriter<Grpc_Testing_StreamingOutputCallResponse>, context) in
      Self.echoMetadata(context)
      for try await request in requests {
        try Self.endWithRequestedStatus(request.responseStatus)
        try await Self.respond(to: request, with: responses, context: context)
      }
    }
    router.registerBidirectionalStreaming(Service.Method.halfDuplexCall) {
      (requests: RequestStream<Grpc_Testing_StreamingOutputCallRequest>, responses: ResponseWriter<Grpc_Testing_StreamingOutputCallResponse>, context) in
      Self.echoMetadata(context)
      var buffered: [Grpc_Testing_StreamingOutputCallRequest] = []
      for try await request in requests { buffered.append(request) }
      for request in buffered {
        try Self.endWithRequestedStatus(request.responseStatus)
        try await Self.respond(to: request, with: responses, context: context)
      }
    }
  }

  static func unaryCall(_ request: Grpc_Testing_SimpleRequest, context: ServerContext) throws -> Grpc_Testing_SimpleResponse {
    Self.echoMetadata(context)
    try Self.endWithRequestedStatus(request.responseStatus)
    if let compressed = request.responseCompressed {
      context.responseCompression = compressed.value ? .gzip : .identity
    }
    return Grpc_Testing_SimpleResponse(
      payload: try Self.payload(type: request.responseType, size: Int(request.responseSize)))
  }

  /// The one request of a unary call, with its compressed flag checked.
  static func single(_ requests: RequestStream<Grpc_Testing_SimpleRequest>) async throws -> Grpc_Testing_SimpleRequest {
    var iterator = requests.makeAsyncIterator()
    guard let request = try await iterator.next() else {
      throw RPCError(code: .internal, message: "the client half-closed without sending the request message")
    }
    try Self.checkCompression(expected: request.expectCompressed, actual: requests.lastMessageWasCompressed)
    guard try await iterator.next() == nil else {
      throw RPCError(code: .internal, message: "the client sent more than one request message to a unary method")
    }
    return request
  }

  /// One response per `ResponseParameters`, each after its `interval_us`, compressed as asked.
  static func respond(
    to request: Grpc_Testing_StreamingOutputCallRequest,
    with responses: ResponseWriter<Grpc_Testing_StreamingOutputCallResponse>,
    context: ServerContext
  ) async throws {
    if request.responseParameters.contains(where: { $0.compressed?.value == true }) {
      context.responseCompression = .gzip
    }
    for parameters in request.responseParameters {
      if parameters.intervalUs > 0 { try await Task.sleep(for: .microseconds(parameters.intervalUs)) }
      let payload = try Self.payload(type: request.responseType, size: Int(parameters.size))
      try await responses.write(
        Grpc_Testing_StreamingOutputCallResponse(payload: payload),
        compress: parameters.compressed?.value ?? true
      )
    }
  }

  /// A payload of `size` zeros; `INVALID_ARGUMENT` for a type this server does not support.
  static func payload(type: Grpc_Testing_PayloadType, size: Int) throws -> Grpc_Testing_Payload {
    guard type == .compressable else {
      throw RPCError(code: .invalidArgument, message: "response_type \(type) is not supported; only COMPRESSABLE is")
    }
    guard size >= 0 else {
      throw RPCError(code: .invalidArgument, message: "response size \(size) is negative")
    }
    return Grpc_Testing_Payload(type: .compressable, body: [UInt8](repeating: 0, count: size))
  }

  /// CompressedRequest: `expect_compressed` must match the message's compressed flag.
  static func checkCompression(expected: Grpc_Testing_BoolValue?, actual: Bool) throws(RPCError) {
    guard let expected, expected.value != actual else { return }
    throw RPCError(
      code: .invalidArgument,
      message: expected.value
        ? "expected a compressed request (expect_compressed is true) but it arrived uncompressed"
        : "expected an uncompressed request (expect_compressed is false) but it arrived compressed"
    )
  }

  /// Echo Status: a non-zero `response_status` ends the call with its code and message.
  static func endWithRequestedStatus(_ status: Grpc_Testing_EchoStatus?) throws(RPCError) {
    guard let status, status.code != 0 else { return }
    let code = Status.Code(rawValue: Int(status.code)) ?? .unknown
    throw RPCError(code: code, message: status.message)
  }

  /// Echo Metadata: the two test keys, back in the headers and the trailers.
  static func echoMetadata(_ context: ServerContext) {
    let metadata = context.requestMetadata
    for value in metadata[stringValues: Self.echoInitialKey] {
      var headers = Metadata()
      headers.add(Self.echoInitialKey, value)
      context.addResponseHeaders(headers)
    }
    for value in metadata[binaryValues: Self.echoTrailingKey] {
      var trailers = Metadata()
      trailers.add(Self.echoTrailingKey, binary: value)
      context.addTrailers(trailers)
    }
  }
}
