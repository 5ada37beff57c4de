public import Logging

/// A gRPC server: the services it offers and the interceptors around their calls, served over a
/// transport.
///
/// The server is the transport's ``ServerStreamHandler``: for every stream the transport
/// accepts, it finds the method by path (`UNIMPLEMENTED` naming the unknown service or method
/// otherwise), and runs the call through the method's interceptors to its handler.
///
/// ```swift
/// let transport = NGHTTP2ServerTransport(host: "127.0.0.1", port: 50051)
/// let server = GRPCServer(
///   transport: transport, services: [EchoService()],
///   interceptors: [LoggingServerInterceptor(logger: logger)])
/// try await server.serve()   // until server.beginGracefulShutdown()
/// ```
public final class GRPCServer: ServerStreamHandler {
  /// The methods served, with the interceptors of each.
  public let router: RPCRouter
  private let transport: any ServerTransport
  private let logger: Logger

  /// Creates a server whose interceptors apply to every call.
  ///
  /// - Parameters:
  ///   - transport: Where calls come from.
  ///   - services: The implementations to serve.
  ///   - interceptors: Run around every call, the first one first (outermost).
  ///   - logger: Receives connection and call events (info level and below).
  public convenience init(
    transport: any ServerTransport,
    services: [any RegistrableRPCService],
    interceptors: [any ServerInterceptor] = [],
    logger: Logger = Logger(label: "grpc.server")
  ) {
    self.init(
      transport: transport, services: services,
      interceptorPipeline: interceptors.map { .apply($0, to: .all) }, logger: logger)
  }

  /// Creates a server whose interceptors apply to the calls each one names.
  ///
  /// ```swift
  /// let server = GRPCServer(
  ///   transport: transport, services: [EchoService(), HealthService()],
  ///   interceptorPipeline: [.apply(BearerTokenInterceptor(isValid: check), to: .services([Echo_Echo.descriptor]))])
  /// ```
  ///
  /// - Parameters:
  ///   - transport: Where calls come from.
  ///   - services: The implementations to serve.
  ///   - interceptorPipeline: Interceptors and the calls they apply to; a call passes through
  ///     those that apply to it, in this order.
  ///   - logger: Receives connection and call events (info level and below).
  public init(
    transport: any ServerTransport,
    services: [any RegistrableRPCService],
    interceptorPipeline: [ConditionalInterceptor<any ServerInterceptor>],
    logger: Logger = Logger(label: "grpc.server")
  ) {
    var router = RPCRouter()
    for service in services { service.registerMethods(with: &router) }
    router.registerInterceptors(interceptorPipeline)
    self.router = router
    self.transport = transport
    self.logger = logger
  }

  /// Serves until the transport stops.
  ///
  /// - Throws: When the transport cannot listen.
  public func serve() async throws {
    try await self.transport.listen(streamHandler: self, logger: self.logger)
  }

  /// Stops accepting calls; ``serve()`` returns once open calls end.
  public func beginGracefulShutdown() {
    self.transport.beginGracefulShutdown()
  }

  /// Starts the call `stream` asks for; transports call this for every stream.
  ///
  /// - Parameter stream: What the transport knows about the stream.
  /// - Returns: The call to feed and run.
  /// - Throws: ``RPCError`` `UNIMPLEMENTED` for a path no service registered.
  public func handle(_ stream: ServerStream) throws(RPCError) -> ServerCall {
    guard let handler = self.router.handler(forPath: stream.path) else {
      throw self.router.unimplementedError(forPath: stream.path)
    }
    return handler.startCall(stream)
  }
}
