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
///
/// With `maximumOpenCalls`, calls beyond that many open at once end with `RESOURCE_EXHAUSTED`
/// before their handler runs, over every transport:
///
/// ```swift
/// let server = GRPCServer(
///   transport: transport, services: [EchoService()], maximumOpenCalls: 10_000)
/// ```
public final class GRPCServer: ServerStreamHandler {
  /// The methods served, with the interceptors of each.
  public let router: RPCRouter
  /// The most calls the server runs at once (`nil`: no limit of its own). A call holds its slot
  /// from the moment its stream arrives until its handler returns; one more ends at once with
  /// `RESOURCE_EXHAUSTED` naming the limit, as a trailers-only response, and a warning is logged
  /// (at most one line per 10 seconds, with `grpc.rejected` counting the calls it stands for).
  public let maximumOpenCalls: Int?
  private let transport: any ServerTransport
  private let logger: Logger
  private let openCalls: OpenCallLimit?
  private let openCallWarning = LimitWarning("open call limit reached; call refused")

  /// Creates a server whose interceptors apply to every call.
  ///
  /// - Parameters:
  ///   - transport: Where calls come from.
  ///   - services: The implementations to serve.
  ///   - interceptors: Run around every call, the first one first (outermost).
  ///   - maximumOpenCalls: The most calls open at once (`nil`, the default: no limit beyond the
  ///     transport's); see ``maximumOpenCalls``. Below 0 counts as 0 (every call refused).
  ///   - logger: Receives connection and call events (info level and below, and the rate-limited
  ///     warnings of limits reached).
  public convenience init(
    transport: any ServerTransport,
    services: [any RegistrableRPCService],
    interceptors: [any ServerInterceptor] = [],
    maximumOpenCalls: Int? = nil,
    logger: Logger = Logger(label: "grpc.server")
  ) {
    self.init(
      transport: transport, services: services,
      interceptorPipeline: interceptors.map { .apply($0, to: .all) },
      maximumOpenCalls: maximumOpenCalls, logger: logger)
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
  ///   - maximumOpenCalls: The most calls open at once (`nil`, the default: no limit beyond the
  ///     transport's); see ``maximumOpenCalls``. Below 0 counts as 0 (every call refused).
  ///   - logger: Receives connection and call events (info level and below, and the rate-limited
  ///     warnings of limits reached).
  public init(
    transport: any ServerTransport,
    services: [any RegistrableRPCService],
    interceptorPipeline: [ConditionalInterceptor<any ServerInterceptor>],
    maximumOpenCalls: Int? = nil,
    logger: Logger = Logger(label: "grpc.server")
  ) {
    var router = RPCRouter()
    for service in services { service.registerMethods(with: &router) }
    router.registerInterceptors(interceptorPipeline)
    self.router = router
    self.transport = transport
    self.logger = logger
    self.maximumOpenCalls = maximumOpenCalls.map { max(0, $0) }
    self.openCalls = self.maximumOpenCalls.map { OpenCallLimit(maximum: $0) }
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
  /// - Throws: ``RPCError`` `UNIMPLEMENTED` for a path no service registered,
  ///   `RESOURCE_EXHAUSTED` when ``maximumOpenCalls`` calls are open.
  public func handle(_ stream: ServerStream) throws(RPCError) -> ServerCall {
    guard let handler = self.router.handler(forPath: stream.path) else {
      throw self.router.unimplementedError(forPath: stream.path)
    }
    guard let openCalls = self.openCalls else { return handler.startCall(stream) }
    guard openCalls.admit() else {
      self.openCallWarning.record(
        to: self.logger,
        metadata: [
          "grpc.limit": "maximumOpenCalls", "grpc.maximum": "\(openCalls.maximum)",
          "grpc.method": "\(stream.path)", "grpc.peer": "\(stream.peer)",
        ])
      throw RPCError(
        code: .resourceExhausted,
        message: "the server has \(openCalls.maximum) calls open, its limit (maximumOpenCalls);"
          + " try again later")
    }
    let call = handler.startCall(stream)
    return ServerCall(context: call.context, requests: call.requests) {
      defer { openCalls.release() }
      await call.run()
    }
  }
}
