/// Makes calls of all four kinds over a ``ClientTransport``, through its interceptors. Generated
/// `Client` structs wrap it.
///
/// Every failure surfaces as ``RPCError``: a non-OK status from the server, `DEADLINE_EXCEEDED`,
/// `CANCELLED` when the calling task is cancelled, `UNAVAILABLE` when no connection can be made.
///
/// A call made while a server handler runs takes that server call's remaining deadline and is
/// cancelled with it (see ``CallOptions/propagatesDeadline``).
///
/// ```swift
/// let client = GRPCClient(
///   transport: NGHTTP2ClientTransport(host: "127.0.0.1", port: 50051),
///   interceptors: [BearerTokenClientInterceptor(token: "secret")])
/// let reply: Echo_EchoResponse = try await client.unary(
///   Echo_Echo.Method.get, request: Echo_EchoRequest(text: "hi"))
/// ```
public struct GRPCClient: Sendable {
  /// The transport calls go over.
  public let transport: any ClientTransport
  private let interceptors: ClientInterceptorPipeline

  /// Creates a client whose interceptors apply to every call.
  ///
  /// - Parameters:
  ///   - transport: The connection (or channel) to the server.
  ///   - interceptors: Run for every call, the first one first (its streams are the caller's).
  public init(transport: any ClientTransport, interceptors: [any ClientInterceptor] = []) {
    self.init(transport: transport, interceptorPipeline: interceptors.map { .apply($0, to: .all) })
  }

  /// Creates a client whose interceptors apply to the calls each one names.
  ///
  /// - Parameters:
  ///   - transport: The connection (or channel) to the server.
  ///   - interceptorPipeline: Interceptors and the calls they apply to; a call passes through
  ///     those that apply to it, in this order.
  public init(transport: any ClientTransport, interceptorPipeline: [ConditionalInterceptor<any ClientInterceptor>]) {
    self.transport = transport
    self.interceptors = ClientInterceptorPipeline(interceptorPipeline)
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
    try await self.call(method, options: options) {
      (writer: RequestWriter<Request>, responses: ResponseStream<Response>, transportBuffer) -> Response in
      do {
        try await requests(writer)
      } catch let error as RPCError where transportBuffer.hasEnded {
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
    try await self.call(method, options: options) {
      (writer: RequestWriter<Request>, responses: ResponseStream<Response>, _) -> Result in
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
    try await self.call(method, options: options) { writer, responses, _ in
      try await body(writer, responses)
    }
  }

  /// Runs one call: propagates the server call's deadline, passes the options through the
  /// interceptors to the transport, and runs `body` with the streams the interceptors returned
  /// and the transport's buffer. Then half-closes, and cancels what the server has not ended.
  private func call<Request: ProtobufMessage, Response: ProtobufMessage, Result>(
    _ method: ProtobufMethodDescriptor,
    options: CallOptions,
    body: (RequestWriter<Request>, ResponseStream<Response>, InboundMessageBuffer<Response>) async throws -> Result
  ) async throws -> Result {
    if Task.isCancelled { throw RPCError(code: .cancelled, message: "the call was cancelled before it started") }
    var options = options
    let serverCall = try Self.propagateServerCall(into: &options)
    let buffer = InboundMessageBuffer<Response>()
    let interceptors = self.interceptors.interceptors(for: method)
    var opened: (any ClientStreamOutbound)?
    let streams: ClientCallStreams<Request, Response>
    if interceptors.isEmpty {
      let outbound = try await self.transport.openStream(method: method, options: options, responses: buffer)
      opened = outbound
      streams = ClientCallStreams(requests: RequestWriter(outbound: outbound), responses: ResponseStream(buffer: buffer))
    } else {
      do {
        streams = try await Self.intercept(
          options: options, context: ClientContext(method: method), interceptors: interceptors[...]
        ) { options, context in
          let outbound = try await self.transport.openStream(method: context.method, options: options, responses: buffer)
          opened = outbound
          return ClientCallStreams(requests: RequestWriter(outbound: outbound), responses: ResponseStream(buffer: buffer))
        }
      } catch {
        opened?.cancel()
        throw error
      }
    }
    guard let outbound = opened else {
      // An interceptor answered without starting a call: its streams are the call.
      return try await body(streams.requests, streams.responses, buffer)
    }
    let registration = serverCall?.addCancellationHandler { outbound.cancel() }
    defer { if let registration { serverCall?.removeCancellationHandler(registration) } }
    return try await withTaskCancellationHandler {
      let result: Result
      do {
        result = try await body(streams.requests, streams.responses, buffer)
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

  /// Applies deadline propagation to `options`: inside a server call, the call takes the
  /// server call's remaining time when it is shorter, and is tied to its cancellation.
  ///
  /// - Returns: The server call to follow, if any.
  /// - Throws: ``RPCError`` `CANCELLED` or `DEADLINE_EXCEEDED` when the server call has already
  ///   ended so.
  private static func propagateServerCall(into options: inout CallOptions) throws(RPCError) -> ServerContext? {
    guard options.propagatesDeadline, let serverCall = ServerContext.current else { return nil }
    if serverCall.isCancelled {
      throw RPCError(
        code: .cancelled, message: "the server call \(serverCall.method.path) this call was made from was cancelled")
    }
    if let deadline = serverCall.deadline {
      let left = deadline - .now
      guard left > .zero else {
        throw RPCError(
          code: .deadlineExceeded,
          message: "the deadline of the server call \(serverCall.method.path) this call was made from has passed")
      }
      if options.timeout.map({ $0 > left }) ?? true { options.timeout = left }
    }
    return serverCall
  }

  private static func single<Response>(
    from responses: ResponseStream<Response>,
    method: ProtobufMethodDescriptor
  ) async throws -> Response {
    do {
      var iterator = responses.makeAsyncIterator()
      guard let response = try await iterator.next() else {
        throw RPCError(code: .internal, message: "\(method.path) ended with OK but without a response message")
      }
      guard try await iterator.next() == nil else {
        throw RPCError(code: .internal, message: "\(method.path) sent more than one response message")
      }
      return response
    } catch {
      // A response stream an interceptor supplied may throw other errors.
      throw RPCError(wrapping: error, thrownBy: "reading the response of \(method.path)")
    }
  }
}
