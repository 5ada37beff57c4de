import GRPCKit
import GRPCKitTesting
import GRPCLocking
import GRPCTestSupport
import Testing

@Suite("In-process transport")
struct InProcessTransportTests {
  let options = CallOptions(timeout: .seconds(30))

  @Test("Calls of all four kinds reach the Echo service and come back")
  func fourKinds() async throws {
    try await withInProcessServer(services: [EchoService()]) { client in
      let echo = Echo_Echo.Client(wrapping: client)
      let unary = try await echo.get(Echo_EchoRequest(text: "hi"), options: self.options)
      #expect(unary.text == "hi")

      let collected = try await echo.collect(options: self.options) { writer in
        for word in ["x", "y", "z"] { try await writer.write(Echo_EchoRequest(text: word)) }
      }
      #expect(collected.text == "x y z")

      let expanded = try await echo.expand(Echo_EchoRequest(text: "a b c"), options: self.options) {
        responses in
        var texts: [String] = []
        for try await response in responses { texts.append(response.text) }
        return texts
      }
      #expect(expanded == ["a", "b", "c"])

      try await echo.update(options: self.options) { writer, responses in
        var iterator = responses.makeAsyncIterator()
        for index in 0 ..< 10 {
          try await writer.write(Echo_EchoRequest(text: "b\(index)"))
          #expect(try await iterator.next()?.text == "b\(index)")
        }
        writer.finish()
        #expect(try await iterator.next() == nil)
      }
    }
  }

  @Test(
    "Metadata: reserved keys are dropped both ways, -bin values arrive as bytes, trailers arrive"
  )
  func metadata() async throws {
    try await withInProcessServer(
      services: [EchoService()],
      serverInterceptors: [SeenKeysInterceptor()]
    ) {
      client in
      let echo = Echo_Echo.Client(wrapping: client)
      var metadata: Metadata = [
        "x-echo-a": "1", "te": "trailers", "grpc-custom": "no", "content-type": "text/plain",
      ]
      metadata.add("x-echo-bin", binary: Array(0 ... 255))
      let (headers, trailers) = try await echo.expand(
        Echo_EchoRequest(text: "one"),
        options: CallOptions(timeout: .seconds(30), metadata: metadata)
      ) { responses in
        let headers = try await responses.headers()
        for try await _ in responses {}
        return (headers, responses.trailers)
      }
      #expect(headers.first("x-echo-a") == "1")
      #expect(headers[binaryValues: "x-echo-bin"] == [Array(0 ... 255)])
      #expect(trailers?.first("x-trailer") == "done")
      #expect(trailers?.first("x-seen-keys") == "x-echo-a,x-echo-bin")
    }
  }

  @Test("A call that ends without messages is trailers-only: its headers arrive with the trailers")
  func trailersOnly() async throws {
    try await withInProcessServer(services: [EchoService()]) { client in
      let echo = Echo_Echo.Client(wrapping: client)
      let error = await #expect(throws: RPCError.self) {
        _ = try await echo.get(
          Echo_EchoRequest(text: "no", statusCode: 9, statusMessage: "not now"),
          options: CallOptions(timeout: .seconds(30), metadata: ["x-echo-k": "v"])
        )
      }
      #expect(error?.code == .failedPrecondition)
      #expect(error?.message == "not now")
      #expect(error?.metadata.first("x-echo-k") == "v")
      #expect(error?.metadata.first("x-trailer") == "done")
    }
  }

  @Test("An error with details reaches the client with its details")
  func errorWithDetails() async throws {
    try await withInProcessServer(services: [RichErrorEchoService()]) { client in
      let echo = Echo_Echo.Client(wrapping: client)
      let error = await #expect(throws: RPCError.self) {
        _ = try await echo.get(Echo_EchoRequest(text: "details"), options: self.options)
      }
      #expect(error?.code == .notFound)
      #expect(error?.message == "no room named ops")
      #expect(error?.details == RichErrorEchoService.error.details)
      #expect(error?.metadata[binaryValues: "grpc-status-details-bin"].count == 1)
    }
  }

  @Test("A deadline ends the call with DEADLINE_EXCEEDED and cancels the handler")
  func deadline() async throws {
    let recorder = EventRecorder()
    try await withInProcessServer(services: [ProbeEchoService(recorder: recorder)]) { client in
      let echo = Echo_Echo.Client(wrapping: client)
      let error = await #expect(throws: RPCError.self) {
        _ = try await echo.get(
          Echo_EchoRequest(text: "wait"),
          options: CallOptions(timeout: .milliseconds(300))
        )
      }
      #expect(error?.code == .deadlineExceeded)
      #expect(await recorder.waitFor("cancelled"))
      #expect(recorder.events.contains("context-cancelled"))
    }
  }

  @Test("Cancelling the client's task ends its call with CANCELLED and cancels the handler")
  func cancellation() async throws {
    let recorder = EventRecorder()
    try await withInProcessServer(services: [ProbeEchoService(recorder: recorder)]) { client in
      let echo = Echo_Echo.Client(wrapping: client)
      let call = Task {
        try await echo.get(
          Echo_EchoRequest(text: "wait"),
          options: CallOptions(timeout: .seconds(60))
        )
      }
      #expect(await recorder.waitFor("started"))
      call.cancel()
      let error = await #expect(throws: RPCError.self) { _ = try await call.value }
      #expect(error?.code == .cancelled)
      #expect(await recorder.waitFor("cancelled"))
      #expect(recorder.events.contains("context-cancelled"))
    }
  }

  @Test(
    "An ended call lets go of its server side: no context outlives its call",
    arguments: ["OK", "an error", "the deadline", "the client's cancellation"]
  )
  func endedCallsAreReleased(ending: String) async throws {
    // The call held its ServerContext, whose outbound holds the call: a cycle that kept every
    // ended call, its task and its frames alive (LeakSanitizer reported them at exit).
    let recorder = EventRecorder()
    let contexts = ContextTracker()
    try await withInProcessServer(
      services: ending == "an error"
        ? [RichErrorEchoService()] : [ProbeEchoService(recorder: recorder)],
      serverInterceptors: [contexts]
    ) { client in
      let echo = Echo_Echo.Client(wrapping: client)
      switch ending {
      case "OK":
        _ = try await echo.get(Echo_EchoRequest(text: "hi"))
      case "an error":
        await #expect(throws: RPCError.self) {
          _ = try await echo.get(Echo_EchoRequest(text: "details"))
        }
      case "the deadline":
        await #expect(throws: RPCError.self) {
          _ = try await echo.get(
            Echo_EchoRequest(text: "wait"), options: CallOptions(timeout: .milliseconds(200)))
        }
      default:
        let call = Task {
          try await echo.get(Echo_EchoRequest(text: "wait"), options: CallOptions(timeout: .seconds(60)))
        }
        #expect(await recorder.waitFor("started"))
        call.cancel()
        await #expect(throws: RPCError.self) { _ = try await call.value }
      }
    }
    #expect(contexts.seen == 1)
    // The server's task lets go of the context once it has returned, just after the call ended.
    let deadline = ContinuousClock.now.advanced(by: .seconds(10).slowed)
    while contexts.alive > 0, ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(20))
    }
    #expect(contexts.alive == 0)
  }

  @Test("Messages over the receiver's limit end the call with RESOURCE_EXHAUSTED, both directions")
  func messageLimits() async throws {
    let transport = InProcessTransport(maximumRequestMessageSize: 1024)
    try await withInProcessServer(services: [EchoService()], transport: transport) { client in
      let echo = Echo_Echo.Client(wrapping: client)
      let request = await #expect(throws: RPCError.self) {
        _ = try await echo.get(
          Echo_EchoRequest(payload: [UInt8](repeating: 1, count: 2000)),
          options: self.options
        )
      }
      #expect(request?.code == .resourceExhausted)
      #expect(request?.message == "message is 2003 bytes; limit 1024")

      let response = await #expect(throws: RPCError.self) {
        _ = try await echo.get(
          Echo_EchoRequest(payload: [UInt8](repeating: 1, count: 600)),
          options: CallOptions(timeout: .seconds(30), maximumReceiveMessageSize: 100)
        )
      }
      #expect(response?.code == .resourceExhausted)
      #expect(response?.message == "message is 603 bytes; limit 100")

      let fits = try await echo.get(Echo_EchoRequest(payload: [1, 2, 3]), options: self.options)
      #expect(fits.payload == [1, 2, 3])
    }
  }

  @Test("Messages over the sender's limit are not sent and end the call with RESOURCE_EXHAUSTED")
  func sendLimits() async throws {
    let transport = InProcessTransport(clientSendLimit: 1024, serverSendLimit: 500)
    try await withInProcessServer(services: [EchoService()], transport: transport) { client in
      let echo = Echo_Echo.Client(wrapping: client)
      let request = await #expect(throws: RPCError.self) {
        _ = try await echo.get(
          Echo_EchoRequest(payload: [UInt8](repeating: 1, count: 2000)),
          options: self.options
        )
      }
      #expect(request?.code == .resourceExhausted)
      #expect(request?.message == "request message is 2003 bytes; the send limit is 1024 bytes")

      // A call's own limit wins over the transport's.
      let perCall = await #expect(throws: RPCError.self) {
        _ = try await echo.get(
          Echo_EchoRequest(payload: [UInt8](repeating: 1, count: 300)),
          options: CallOptions(timeout: .seconds(30), maximumSendMessageSize: 100)
        )
      }
      #expect(perCall?.message == "request message is 303 bytes; the send limit is 100 bytes")

      let response = await #expect(throws: RPCError.self) {
        _ = try await echo.get(
          Echo_EchoRequest(payload: [UInt8](repeating: 1, count: 600)),
          options: self.options
        )
      }
      #expect(response?.code == .resourceExhausted)
      #expect(response?.message == "response message is 603 bytes; the send limit is 500 bytes")

      let fits = try await echo.get(Echo_EchoRequest(payload: [1, 2, 3]), options: self.options)
      #expect(fits.payload == [1, 2, 3])
    }
  }

  @Test("A writer waits while its reader does not read: the buffer per call is bounded")
  func backpressure() async throws {
    let recorder = EventRecorder()
    let service = ProbeEchoService(recorder: recorder)
    try await withInProcessServer(services: [service]) { client in
      let echo = Echo_Echo.Client(wrapping: client)
      // 100 responses of 16 KiB: 1.6 MiB that the handler cannot all write before the client
      // reads, since the client's buffer holds 64 KiB.
      try await echo.expand(Echo_EchoRequest(text: "flood 100 16384"), options: self.options) {
        responses in
        _ = try await responses.headers()
        let started = ContinuousClock.now
        while service.writtenCount < 3, ContinuousClock.now - started < .seconds(30) {
          try await Task.sleep(for: .milliseconds(10))
        }
        // Give an unbounded writer every chance to run ahead.
        try await Task.sleep(for: .milliseconds(500))
        // The fourth 16 KiB message takes the client's buffer past its 64 KiB watermark: its
        // write waits.
        #expect(service.writtenCount >= 3)
        #expect(
          service.writtenCount <= 4,
          "the handler wrote \(service.writtenCount) of 100 with nobody reading"
        )
        #expect(!recorder.events.contains("flooded"))
        var received = 0
        for try await response in responses {
          #expect(response.text == String(received))
          received += 1
        }
        #expect(received == 100)
      }
      #expect(await recorder.waitFor("flooded"))
    }
  }

  @Test("A path nobody serves is UNIMPLEMENTED, named as over HTTP/2")
  func unimplemented() async throws {
    try await withInProcessServer(services: [EchoService()]) { client in
      let error = await #expect(throws: RPCError.self) {
        let _: Echo_EchoResponse = try await client.unary(
          Self.missingMethod,
          request: Echo_EchoRequest(),
          options: self.options
        )
      }
      #expect(error?.code == .unimplemented)
      #expect(error?.message == "method 'Nope' is not implemented by service 'echo.Echo'")
    }
  }

  @Test("Calls made before the server listens wait for it; after shutdown they are UNAVAILABLE")
  func listenAndShutdown() async throws {
    let transport = InProcessTransport()
    let client = Echo_Echo.Client(wrapping: GRPCClient(transport: transport.client))
    let server = GRPCServer(transport: transport.server, services: [EchoService()])
    let early = Task {
      try await client.get(
        Echo_EchoRequest(text: "early"),
        options: CallOptions(timeout: .seconds(30))
      )
    }
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.serve() }
      #expect(try await early.value.text == "early")
      server.beginGracefulShutdown()
      try await group.waitForAll()
    }
    let error = await #expect(throws: RPCError.self) {
      _ = try await client.get(Echo_EchoRequest(text: "late"), options: self.options)
    }
    #expect(error?.code == .unavailable)
  }

  @Test("A call waiting for a server that never listens ends at its deadline")
  func deadlineWhileWaiting() async throws {
    let transport = InProcessTransport()
    let client = Echo_Echo.Client(wrapping: GRPCClient(transport: transport.client))
    let error = await #expect(throws: RPCError.self) {
      _ = try await client.get(
        Echo_EchoRequest(text: "x"),
        options: CallOptions(timeout: .milliseconds(200))
      )
    }
    #expect(error?.code == .deadlineExceeded)
  }

  @Test("A transport listens once")
  func listensOnce() async throws {
    let transport = InProcessTransport()
    let server = GRPCServer(transport: transport.server, services: [EchoService()])
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.serve() }
      // The first call succeeds once the first serve() listens.
      _ = try await Echo_Echo.Client(wrapping: GRPCClient(transport: transport.client)).get(
        Echo_EchoRequest(text: "x"),
        options: self.options
      )
      let error = await #expect(throws: RPCError.self) { try await server.serve() }
      #expect(error?.code == .failedPrecondition)
      server.beginGracefulShutdown()
      try await group.waitForAll()
    }
  }

  static let missingMethod = ProtobufMethodDescriptor(
    name: "Nope",
    serviceName: "echo.Echo",
    kind: .unary,
    inputType: "echo.EchoRequest",
    outputType: "echo.EchoResponse"
  )
}

/// Adds the trailer `x-seen-keys`: the request metadata keys the server saw, sorted, joined by
/// commas.
struct SeenKeysInterceptor: ServerInterceptor {
  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next:
      @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws ->
      Void
  ) async throws {
    let keys = Set(context.requestMetadata.map(\.key)).sorted()
    context.addTrailers(["x-seen-keys": .string(keys.joined(separator: ","))])
    try await next(requests, responses, context)
  }
}

/// Keeps a weak reference to the context of every call it sees, to tell whether anything still
/// holds them once the calls ended.
final class ContextTracker: ServerInterceptor, Sendable {
  private struct Weak {
    weak var context: ServerContext?
  }
  private let contexts = Mutex<[Weak]>([])

  /// How many calls it saw.
  var seen: Int { self.contexts.withLock { $0.count } }
  /// How many of their contexts are still allocated.
  var alive: Int { self.contexts.withLock { $0.count { $0.context != nil } } }

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next:
      @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws ->
      Void
  ) async throws {
    self.contexts.withLock { $0.append(Weak(context: context)) }
    try await next(requests, responses, context)
  }
}
