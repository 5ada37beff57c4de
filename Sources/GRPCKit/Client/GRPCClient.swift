/// Makes calls of all four kinds over a ``ClientTransport``. Generated `Client` structs wrap it.
///
/// Every failure surfaces as ``RPCError``: a non-OK status from the server, `DEADLINE_EXCEEDED`,
/// `CANCELLED` when the calling task is cancelled, `UNAVAILABLE` when no connection can be made.
///
/// ```swift
/// let client = GRPCClient(transport: NGHTTP2ClientTransport(host: "127.0.0.1", port: 50051))
/// let reply: Echo_EchoResponse = try await client.unary(
///   Echo_Echo.Method.get, request: Echo_EchoRequest(text: "hi"))
/// ```
public struct GRPCClient: Sendable {
  /// The transport calls go over.
  public let transport: any ClientTransport

  /// Creates a client.
  ///
  /// - Parameter transport: The connection (or channel) to the server.
  public init(transport: any ClientTransport) {
    self.transport = transport
  }

  /// Calls a unary method.
  ///
  /// - Parameters:
  ///   - method: The method descriptor (from generated code).
  ///   - request: The request message.
  ///   - options: Deadline and metadata.
  /// - Returns: The response message.
  /// - Throws: ``RPCError``.
  public func unary<Request: ProtobufMessage, Response: ProtobufMessage>(
    _ method: ProtobufMethodDescriptor,
    request: Request,
    options: CallOptions = CallOptions(),
    responseType: Response.Type = Response.self
  ) async throws -> Response {
    try await self.clientStreaming(method, options: options, responseType: responseType) { writer in
      try await writer.write(request)
    }
  }

  /// Calls a client-streaming method: `requests` writes the requests; the call half-closes when
  /// it returns.
  ///
  /// - Returns: The response message.
  /// - Throws: ``RPCError``, or the error `requests` threw (the call is then cancelled).
  public func clientStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
    _ method: ProtobufMethodDescriptor,
    options: CallOptions = CallOptions(),
    responseType: Response.Type = Response.self,
    requests: (RequestWriter<Request>) async throws -> Void
  ) async throws -> Response {
    try await self.bidirectionalStreaming(method, options: options, responseType: responseType) {
      writer, responses in
      do {
        try await requests(writer)
      } catch let error as RPCError where responses.buffer.hasEnded {
        // The server ended the call while requests were still being written (for example
        // RESOURCE_EXHAUSTED for a large message): its status, read below, is the outcome.
        _ = error
      }
      writer.finish()
      return try await Self.single(from: responses, method: method)
    }
  }

  /// Calls a server-streaming method; `body` reads the responses. When `body` returns before
  /// the server finished, the call is cancelled.
  ///
  /// - Returns: What `body` returns.
  /// - Throws: ``RPCError``, or the error `body` threw.
  public func serverStreaming<Request: ProtobufMessage, Response: ProtobufMessage, Result: Sendable>(
    _ method: ProtobufMethodDescriptor,
    request: Request,
    options: CallOptions = CallOptions(),
    responseType: Response.Type = Response.self,
    body: (ResponseStream<Response>) async throws -> Result
  ) async throws -> Result {
    try await self.bidirectionalStreaming(method, options: options, responseType: responseType) {
      writer, responses in
      try await writer.write(request)
      writer.finish()
      return try await body(responses)
    }
  }

  /// Calls a bidirectional-streaming method. `body` gets the request writer and the response
  /// stream and may use them concurrently (for example in a task group). When `body` returns,
  /// the request side is half-closed if it was not, and the call is cancelled if the server had
  /// not finished; when it throws, the call is cancelled.
  ///
  /// ```swift
  /// try await client.bidirectionalStreaming(ChatService.Method.chatStream) {
  ///   (writer: RequestWriter<ChatMessage>, replies: ResponseStream<ChatMessage>) in
  ///   try await writer.write(ChatMessage(user: "ada", message: "hi"))
  ///   writer.finish()
  ///   for try await reply in replies { print(reply.message) }
  /// }
  /// ```
  ///
  /// - Returns: What `body` returns.
  /// - Throws: ``RPCError``, or the error `body` threw.
  public func bidirectionalStreaming<Request: ProtobufMessage, Response: ProtobufMessage, Result: Sendable>(
    _ method: ProtobufMethodDescriptor,
    options: CallOptions = CallOptions(),
    requestType: Request.Type = Request.self,
    responseType: Response.Type = Response.self,
    body: (RequestWriter<Request>, ResponseStream<Response>) async throws -> Result
  ) async throws -> Result {
    if Task.isCancelled { throw RPCError(code: .cancelled, message: "the call was cancelled before it started") }
    let buffer = InboundMessageBuffer<Response>()
    let outbound = try await self.transport.openStream(method: method, options: options, responses: buffer)
    return try await withTaskCancellationHandler {
      let result: Result
      do {
        result = try await body(RequestWriter(outbound: outbound), ResponseStream(buffer: buffer))
      } catch {
        outbound.cancel()
        throw error
      }
      outbound.halfClose()
      if !buffer.isDrained { outbound.cancel() }
      return result
    } onCancel: {
      outbound.cancel()
    }
  }

  private static func single<Response>(
    from responses: ResponseStream<Response>,
    method: ProtobufMethodDescriptor
  ) async throws -> Response {
    var iterator = responses.makeAsyncIterator()
    guard let response = try await iterator.next() else {
      throw RPCError(code: .internal, message: "\(method.path) ended with OK but without a response message")
    }
    guard try await iterator.next() == nil else {
      throw RPCError(code: .internal, message: "\(method.path) sent more than one response message")
    }
    return response
  }
}
