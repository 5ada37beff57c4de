/// Makes calls of all four kinds over a ``ClientTransport``, through its interceptors. Generated
/// `Client` structs wrap it.
///
/// Every failure surfaces as ``RPCError``: a non-OK status from the server, `DEADLINE_EXCEEDED`,
/// `CANCELLED` when the calling task is cancelled, `UNAVAILABLE` when no connection can be made.
///
/// A call made while a server handler runs takes that server call's remaining deadline and is
/// cancelled with it (see ``CallOptions/propagatesDeadline``).
///
/// With a ``ServiceConfig`` (``init(transport:serviceConfig:interceptorPipeline:retryBufferSize:)``)
/// calls get per-method defaults and are retried or hedged as gRFC A6 says.
/// ``beginGracefulShutdown()`` lets open calls finish before the transport closes; ``close()``
/// closes it at once.
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
  /// Per-method settings; `nil` when the client has none (calls then skip the lookup).
  private let serviceConfig: ServiceConfig?
  let retryThrottle: RetryThrottle?
  let retryBufferSize: Int
  let lifecycle = ClientLifecycle()

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
    self.serviceConfig = nil
    self.retryThrottle = nil
    self.retryBufferSize = 0
  }

  /// Creates a client whose calls follow a service config: per-method timeouts, wait-for-ready,
  /// message size limits, retries or hedging (gRFC A6), retry throttling, and the
  /// load-balancing policy (handed to the transport).
  ///
  /// ```swift
  /// let client = try GRPCClient(
  ///   transport: transport,
  ///   serviceConfig: ServiceConfig(json: #"{"methodConfig": [{"name": [{}], "timeout": "5s"}]}"#))
  /// ```
  ///
  /// - Parameters:
  ///   - transport: The connection (or channel) to the server.
  ///   - serviceConfig: The settings; validated here.
  ///   - interceptorPipeline: Interceptors and the calls they apply to. They run once per call,
  ///     above its attempts.
  ///   - retryBufferSize: The request bytes a retried or hedged call keeps to replay on another
  ///     attempt (gRFC A6's per-call buffer, 1 MiB by default); a call that writes more commits
  ///     to its current attempt.
  /// - Throws: ``ServiceConfigError`` when the config breaks a rule.
  public init(
    transport: any ClientTransport,
    serviceConfig: ServiceConfig,
    interceptorPipeline: [ConditionalInterceptor<any ClientInterceptor>] = [],
    retryBufferSize: Int = 1 << 20
  ) throws(ServiceConfigError) {
    try serviceConfig.validate()
    guard retryBufferSize >= 0 else {
      throw ServiceConfigError(path: "", reason: "retryBufferSize must not be negative (is \(retryBufferSize))")
    }
    self.transport = transport
    self.interceptors = ClientInterceptorPipeline(interceptorPipeline)
    self.serviceConfig = serviceConfig
    self.retryThrottle = serviceConfig.retryThrottling.map(RetryThrottle.init)
    self.retryBufferSize = retryBufferSize
    if !serviceConfig.loadBalancingConfig.isEmpty {
      transport.useLoadBalancingPolicies(serviceConfig.loadBalancingConfig)
    }
  }

  /// Creates a client whose calls follow the service config `json` (the JSON of
  /// `grpc/service_config.proto`; see ``ServiceConfig/init(json:)``).
  ///
  /// - Parameters:
  ///   - transport: The connection (or channel) to the server.
  ///   - json: The service config.
  ///   - interceptors: Run for every call, the first one first.
  /// - Throws: ``ServiceConfigError`` naming the JSON path of the first problem.
  public init(
    transport: any ClientTransport,
    serviceConfigJSON json: String,
    interceptors: [any ClientInterceptor] = []
  ) throws(ServiceConfigError) {
    try self.init(
      transport: transport, serviceConfig: ServiceConfig(json: json),
      interceptorPipeline: interceptors.map { .apply($0, to: .all) })
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
    try await self.unary(method, request: request, options: options) { (response: ClientResponse<Response>) in
      try response.message
    }
  }

  /// Calls a unary method and hands the whole response to `onResponse`: the message or the
  /// error, with the response headers and trailers.
  ///
  /// ```swift
  /// let (reply, trailers) = try await client.unary(
  ///   Echo_Echo.Method.get, request: Echo_EchoRequest(text: "hi")
  /// ) { (response: ClientResponse<Echo_EchoResponse>) in
  ///   (try response.message, response.trailers)
  /// }
  /// ```
  ///
  /// - Parameters:
  ///   - method: The method descriptor (from generated code).
  ///   - request: The request message.
  ///   - options: Deadline and metadata.
  ///   - onResponse: Gets the response, also when the call failed with an ``RPCError``.
  /// - Returns: What `onResponse` returns.
  /// - Throws: What `onResponse` throws.
  public func unary<Request: ProtobufMessage, Response: ProtobufMessage, Result: Sendable>(
    _ method: ProtobufMethodDescriptor,
    request: Request,
    options: CallOptions = CallOptions(),
    onResponse: (ClientResponse<Response>) async throws -> Result
  ) async throws -> Result {
    try await self.clientStreaming(
      method, options: options, requests: { (writer: RequestWriter<Request>) in try await writer.write(request) },
      onResponse: onResponse)
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
    try await self.clientStreaming(method, options: options, requests: requests) {
      (response: ClientResponse<Response>) in try response.message
    }
  }

  /// Calls a client-streaming method: `requests` writes the requests (the call half-closes when
  /// it returns), then `onResponse` gets the whole response: the message or the error, with the
  /// response headers and trailers.
  ///
  /// - Returns: What `onResponse` returns.
  /// - Throws: What `onResponse` throws, or the error `requests` threw (the call is then
  ///   cancelled).
  public func clientStreaming<Request: ProtobufMessage, Response: ProtobufMessage, Result: Sendable>(
    _ method: ProtobufMethodDescriptor,
    options: CallOptions = CallOptions(),
    requests: (RequestWriter<Request>) async throws -> Void,
    onResponse: (ClientResponse<Response>) async throws -> Result
  ) async throws -> Result {
    let response: ClientResponse<Response>
    do {
      response = try await self.call(method, options: options) {
        (writer: RequestWriter<Request>, responses: ResponseStream<Response>, transportBuffer) in
        do {
          try await requests(writer)
        } catch let error as RPCError where transportBuffer.hasEnded {
          // The server ended the call while requests were still being written (for example
          // RESOURCE_EXHAUSTED for a large message): its status, read below, is the outcome.
          _ = error
        }
        writer.finish()
        do {
          let message = try await Self.single(from: responses, method: method)
          return ClientResponse(
            headers: try await responses.headers(), result: .success(message), trailers: responses.trailers ?? [:])
        } catch let error as RPCError {
          let headers = (try? await responses.headers()) ?? [:]
          return ClientResponse(headers: headers, result: .failure(error), trailers: error.metadata)
        }
      }
    } catch let error as RPCError {
      response = ClientResponse(headers: [:], result: .failure(error), trailers: error.metadata)
    }
    return try await onResponse(response)
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
    try self.lifecycle.enter(method)
    defer { self.lifecycle.leave(closing: self.transport) }
    var options = options
    let methodConfig = self.serviceConfig?.methodConfig(for: method)
    if let methodConfig { Self.apply(methodConfig, to: &options) }
    let serverCall = try Self.propagateServerCall(into: &options)
    let buffer = InboundMessageBuffer<Response>()
    let interceptors = self.interceptors.interceptors(for: method)
    var opened: (any ClientStreamOutbound)?
    let streams: ClientCallStreams<Request, Response>
    if interceptors.isEmpty {
      let outbound = try await self.openStream(method, options: options, policy: methodConfig?.executionPolicy, responses: buffer)
      opened = outbound
      streams = ClientCallStreams(requests: RequestWriter(outbound: outbound), responses: ResponseStream(buffer: buffer))
    } else {
      do {
        streams = try await Self.intercept(
          options: options, context: ClientContext(method: method), interceptors: interceptors[...]
        ) { options, context in
          let outbound = try await self.openStream(
            context.method, options: options, policy: methodConfig?.executionPolicy, responses: buffer)
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
