/// The methods a server serves, by path (`/package.Service/Method`), and the server interceptors
/// each one's calls pass through.
///
/// Generated service protocols register their methods through ``registerMethods(of:)``;
/// handlers can also be registered one by one:
///
/// ```swift
/// var router = RPCRouter()
/// router.registerUnary(Echo_Echo.Method.get) { (request: Echo_EchoRequest, context) in
///   Echo_EchoResponse(text: request.text)
/// }
/// ```
public struct RPCRouter: Sendable {
  private var handlers: [String: ServerMethodHandler] = [:]

  /// Creates an empty router.
  public init() {}

  /// Registers every method of a service.
  ///
  /// - Parameter service: A service implementation.
  public mutating func registerMethods(of service: some RegistrableRPCService) {
    service.registerMethods(with: &self)
  }

  /// Registers a handler; a later registration for the same path replaces it.
  public mutating func register(_ handler: ServerMethodHandler) {
    self.handlers[handler.method.path] = handler
  }

  /// The handler for a `:path`, if one is registered.
  public func handler(forPath path: String) -> ServerMethodHandler? {
    self.handlers[path]
  }

  /// Installs interceptors on the methods registered so far: each method gets, after those it
  /// has, the interceptors whose subject includes it, in the order given. Register every
  /// method first (``GRPCServer`` does).
  ///
  /// - Parameter pipeline: The interceptors and the calls they apply to.
  public mutating func registerInterceptors(_ pipeline: [ConditionalInterceptor<any ServerInterceptor>]) {
    guard !pipeline.isEmpty else { return }
    for (path, handler) in self.handlers {
      let applicable = pipeline.filter { $0.subject.applies(to: handler.method) }
      self.handlers[path]?.interceptors.append(contentsOf: applicable.map(\.interceptor))
    }
  }

  /// The `UNIMPLEMENTED` error for a path no handler is registered for: it names the unknown
  /// service, or the method the known service lacks, or says the path is malformed.
  ///
  /// - Parameter path: The requested `:path`.
  /// - Returns: The error to end the call with.
  public func unimplementedError(forPath path: String) -> RPCError {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].isEmpty else {
      return RPCError(code: .unimplemented, message: "path '\(path)' is not /Service/Method")
    }
    let service = String(parts[1])
    if self.handlers.values.contains(where: { $0.method.serviceName == service }) {
      return RPCError(code: .unimplemented, message: "method '\(parts[2])' is not implemented by service '\(service)'")
    }
    return RPCError(code: .unimplemented, message: "service '\(service)' is not implemented")
  }

  /// Every registered method, sorted by path.
  public var methods: [ProtobufMethodDescriptor] {
    self.handlers.values.map(\.method).sorted { $0.path < $1.path }
  }

  /// The full names of the registered services, sorted.
  public var serviceNames: [String] {
    Set(self.handlers.values.map(\.method.serviceName)).sorted()
  }

  /// Registers a unary method: one request, one response.
  public mutating func registerUnary<Request: ProtobufMessage, Response: ProtobufMessage>(
    _ method: ProtobufMethodDescriptor,
    handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
  ) {
    self.register(
      .bidirectional(method: method) { (requests: RequestStream<Request>, responses: ResponseWriter<Response>, context) in
        let request = try await requests.single()
        try await responses.write(try await handler(request, context))
      })
  }

  /// Registers a client-streaming method: a stream of requests, one response.
  public mutating func registerClientStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
    _ method: ProtobufMethodDescriptor,
    handler: @escaping @Sendable (RequestStream<Request>, ServerContext) async throws -> Response
  ) {
    self.register(
      .bidirectional(method: method) { (requests: RequestStream<Request>, responses: ResponseWriter<Response>, context) in
        try await responses.write(try await handler(requests, context))
      })
  }

  /// Registers a server-streaming method: one request, a stream of responses.
  public mutating func registerServerStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
    _ method: ProtobufMethodDescriptor,
    handler: @escaping @Sendable (Request, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) {
    self.register(
      .bidirectional(method: method) { (requests: RequestStream<Request>, responses: ResponseWriter<Response>, context) in
        let request = try await requests.single()
        try await handler(request, responses, context)
      })
  }

  /// Registers a bidirectional-streaming method.
  public mutating func registerBidirectionalStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
    _ method: ProtobufMethodDescriptor,
    handler: @escaping @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) {
    self.register(.bidirectional(method: method, handler: handler))
  }
}

/// A service implementation that can register its methods with a router. Generated
/// `ServiceProtocol`s refine it and provide the registration.
public protocol RegistrableRPCService: Sendable {
  /// Registers the service's methods.
  func registerMethods(with router: inout RPCRouter)
}
