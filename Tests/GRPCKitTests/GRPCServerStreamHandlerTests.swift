import GRPCKit
import GRPCLocking
import GRPCTestSupport
import Testing

@Suite("GRPCServer as a transport's stream handler, without sockets")
struct GRPCServerStreamHandlerTests {
  private static func stream(path: String, outbound: any ServerStreamOutbound = RecordingServerOutbound()) -> ServerStream {
    ServerStream(path: path, metadata: ["x-echo-id": "7"], peer: "test:1", outbound: outbound)
  }

  @Test(
    "A path no service serves is UNIMPLEMENTED naming the service, the method or the malformed path",
    arguments: [
      ("/nope.Nope/Get", "service 'nope.Nope' is not implemented"),
      ("/echo.Echo/Nope", "method 'Nope' is not implemented by service 'echo.Echo'"),
      ("echo.Echo/Get", "path 'echo.Echo/Get' is not /Service/Method"),
    ])
  func unimplemented(path: String, message: String) {
    let server = GRPCServer(transport: IdleServerTransport(), services: [EchoService()])
    #expect(throws: RPCError(code: .unimplemented, message: message)) {
      _ = try server.handle(Self.stream(path: path))
    }
  }

  @Test("A call passes its interceptors, runs its handler, and ends OK with every trailer")
  func runsCall() async throws {
    let outbound = RecordingServerOutbound()
    let server = GRPCServer(
      transport: IdleServerTransport(), services: [EchoService()], interceptors: [TrailerInterceptor()])
    let call = try server.handle(Self.stream(path: Echo_Echo.Method.get.path, outbound: outbound))
    #expect(call.context.method == Echo_Echo.Method.get)
    #expect(call.context.requestMetadata.first("x-echo-id") == "7")
    try call.deliver([Echo_EchoRequest(text: "hi")])
    await call.run()
    let sent = outbound.sent
    #expect(try sent.messages.map { try Echo_EchoResponse(serializedBytes: $0).text } == ["hi"])
    #expect(sent.status == .ok)
    #expect(sent.trailers?.first("x-trailer") == "done")
    #expect(sent.trailers?.first("x-intercepted") == "yes")
    #expect(call.context.takeResponseHeaders().first("x-echo-id") == "7")
  }

  @Test("maximumOpenCalls counts a call until its task body returns, then frees its slot")
  func openCallSlotFreedWhenRunReturns() async throws {
    let server = GRPCServer(
      transport: IdleServerTransport(), services: [EchoService()], maximumOpenCalls: 1)
    let first = try server.handle(Self.stream(path: Echo_Echo.Method.get.path))
    // The first call has not run yet: its slot is held, so the second is refused.
    #expect(throws: RPCError.self) {
      _ = try server.handle(Self.stream(path: Echo_Echo.Method.get.path))
    }
    // An unknown path is still UNIMPLEMENTED, not RESOURCE_EXHAUSTED.
    let unimplemented = RPCError(
      code: .unimplemented, message: "service 'nope.Nope' is not implemented")
    #expect(throws: unimplemented) {
      _ = try server.handle(Self.stream(path: "/nope.Nope/Get"))
    }
    try first.deliver([Echo_EchoRequest(text: "hi")])
    await first.run()
    let second = try server.handle(Self.stream(path: Echo_Echo.Method.get.path))
    try second.deliver([Echo_EchoRequest(text: "again")])
    await second.run()
  }

  @Test("A call over maximumOpenCalls is RESOURCE_EXHAUSTED naming the limit; 0 refuses every call")
  func openCallLimitZero() {
    let server = GRPCServer(
      transport: IdleServerTransport(), services: [EchoService()], maximumOpenCalls: -3)
    #expect(server.maximumOpenCalls == 0)
    do {
      _ = try server.handle(Self.stream(path: Echo_Echo.Method.get.path))
      Issue.record("a call was admitted over a limit of 0")
    } catch {
      #expect(error.code == .resourceExhausted)
      #expect(
        error.message == "the server has 0 calls open, its limit (maximumOpenCalls); try again later")
    }
  }

  @Test("ServerContext.current is the call's context while its handler runs, and nil outside")
  func currentContext() async throws {
    let seen = Mutex<Bool?>(nil)
    let service = ContextProbeService { context in seen.withLock { $0 = ServerContext.current === context } }
    let server = GRPCServer(transport: IdleServerTransport(), services: [service])
    let call = try server.handle(Self.stream(path: ContextProbeService.method.path))
    try call.deliver([Echo_EchoRequest()])
    await call.run()
    #expect(seen.withLock { $0 } == true)
    #expect(ServerContext.current == nil)
  }
}

/// Adds the trailer `x-intercepted: yes` to every call.
private struct TrailerInterceptor: ServerInterceptor {
  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next: @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) async throws {
    try await next(requests, responses, context)
    context.addTrailers(["x-intercepted": "yes"])
  }
}

/// One unary method that reports its context to `probe`.
private struct ContextProbeService: RegistrableRPCService {
  static let method = ProtobufMethodDescriptor(
    name: "Probe", serviceName: "test.Context", kind: .unary, inputType: "echo.EchoRequest",
    outputType: "echo.EchoResponse")
  let probe: @Sendable (ServerContext) -> Void

  func registerMethods(with router: inout RPCRouter) {
    let probe = self.probe
    router.registerUnary(Self.method) { (_: Echo_EchoRequest, context) -> Echo_EchoResponse in
      probe(context)
      return Echo_EchoResponse()
    }
  }
}
