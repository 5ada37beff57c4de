import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

@Suite("Client interceptors over loopback")
struct ClientInterceptorTests {
  @Test("Interceptors run in the order given, each starting the call through the next")
  func order() async throws {
    let log = EventLog()
    let interceptors: [ConditionalInterceptor<any ClientInterceptor>] = ["first", "second", "third"].map {
      .apply(RecordingClientInterceptor(name: $0, log: log), to: .all)
    }
    try await withTestServer(
      services: [LoggedEchoService(log: log)],
      interceptors: [.apply(RecordingServerInterceptor(name: "server", log: log), to: .all)]
    ) { port in
      try await withEchoClient(port: port, interceptors: interceptors) { echo in
        _ = try await echo.get(Echo_EchoRequest(text: "hi"))
      }
    }
    let clientSide = log.entries.filter { !$0.hasPrefix("server") && !$0.hasPrefix("handler") }
    #expect(clientSide == ["first in", "second in", "third in", "third out", "second out", "first out"])
  }

  @Test("An interceptor scoped to a service runs for its methods only")
  func scopedToService() async throws {
    let log = EventLog()
    let interceptors: [ConditionalInterceptor<any ClientInterceptor>] = [
      .apply(RecordingClientInterceptor(name: "other only", log: log), to: .services([OtherEchoService.descriptor]))
    ]
    try await withTestServer(services: [EchoService(), OtherEchoService()]) { port in
      try await withEchoClient(port: port, interceptors: interceptors) { echo in
        _ = try await echo.get(Echo_EchoRequest(text: "a"))
        #expect(log.entries.isEmpty)
        let _: Echo_EchoResponse = try await echo.client.unary(OtherEchoService.get, request: Echo_EchoRequest())
      }
    }
    #expect(log.entries == ["other only in", "other only out"])
  }

  @Test("An interceptor scoped to a method runs for that method only")
  func scopedToMethod() async throws {
    let log = EventLog()
    let interceptors: [ConditionalInterceptor<any ClientInterceptor>] = [
      .apply(RecordingClientInterceptor(name: "update only", log: log), to: .methods([Echo_Echo.Method.update]))
    ]
    try await withTestServer { port in
      try await withEchoClient(port: port, interceptors: interceptors) { echo in
        for kind in [EchoCallKind.unary, .clientStreaming, .serverStreaming] { _ = try await kind.run(echo) }
        #expect(log.entries.isEmpty)
        _ = try await EchoCallKind.bidirectional.run(echo)
      }
    }
    #expect(log.entries == ["update only in", "update only out"])
  }

  @Test("Metadata a client interceptor adds reaches the server")
  func addedMetadata() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port, interceptors: [.apply(EchoHeaderInterceptor(), to: .all)]) { echo in
        let headers = try await echo.expand(
          Echo_EchoRequest(text: "w"), options: CallOptions(metadata: ["x-echo-caller": "test"])
        ) { responses in
          for try await _ in responses {}
          return try await responses.headers()
        }
        #expect(headers.first("x-echo-caller") == "test")
        #expect(headers.first("x-echo-added") == "by interceptor")
      }
    }
  }

  @Test("Wrapped request and response streams are what the server and the caller see", arguments: EchoCallKind.allCases)
  func wrappedStreams(kind: EchoCallKind) async throws {
    let transforming = TransformingClientInterceptor()
    try await withTestServer { port in
      try await withEchoClient(port: port, interceptors: [.apply(transforming, to: .all)]) { echo in
        let replies = try await kind.run(echo)
        let expected = kind.responses(to: kind.requests.map { $0.uppercased() }).map { $0 + "?" }
        #expect(replies == expected)
        #expect(transforming.written.count == kind.requests.count)
        #expect(transforming.read.count == expected.count)
      }
    }
  }

  @Test("An interceptor that throws fails the call with its RPCError, or UNKNOWN with the cause", arguments: ThrownError.allCases)
  func throwing(thrown: ThrownError) async throws {
    let log = EventLog()
    try await withTestServer(services: [LoggedEchoService(log: log)]) { port in
      try await withEchoClient(
        port: port, interceptors: [.apply(ThrowingClientInterceptor(error: thrown.error), to: .all)]
      ) { echo in
        for kind in EchoCallKind.allCases {
          await #expect {
            _ = try await kind.run(echo)
          } throws: { error in
            guard let error = error as? RPCError else { return false }
            switch thrown {
            case .rpcError:
              return error == ThrownError.rpcErrorValue && error.cause == nil
            case .otherError:
              return error.code == .unknown
                && error.message == "client interceptor ThrowingClientInterceptor threw Boom: boom"
                && error.cause is Boom
            }
          }
        }
      }
    }
    #expect(log.entries.isEmpty)
  }

  @Test("An interceptor that throws after starting the call cancels it on the server")
  func throwingAfterStart() async throws {
    let log = EventLog()
    try await withTestServer(
      services: [LoggedEchoService(log: log)],
      interceptors: [.apply(RecordingServerInterceptor(name: "server", log: log), to: .all)]
    ) { port in
      _ = try await withEchoClient(port: port, interceptors: [.apply(ThrowingAfterStartInterceptor(), to: .all)]) { echo in
        await #expect(throws: Boom.self) {
          do {
            _ = try await EchoCallKind.bidirectional.run(echo)
          } catch let error as RPCError {
            throw error.cause ?? error
          }
        }
      }
      // The server ends the call it saw start once the client's cancellation arrives.
      let deadline = ContinuousClock.now + .seconds(5)
      while !log.entries.contains("server out"), ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(10))
      }
    }
    #expect(log.entries == ["server in", "handler update", "server out"])
  }
}

/// Adds `x-echo-added: by interceptor` to every call's metadata.
private struct EchoHeaderInterceptor: ClientInterceptor {
  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    options: CallOptions,
    context: ClientContext,
    next: (CallOptions, ClientContext) async throws -> ClientCallStreams<Request, Response>
  ) async throws -> ClientCallStreams<Request, Response> {
    var options = options
    options.metadata.add("x-echo-added", "by interceptor")
    return try await next(options, context)
  }
}

/// Starts the call and exchanges one Echo message on it (so that the server's handler runs),
/// then throws.
private struct ThrowingAfterStartInterceptor: ClientInterceptor {
  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    options: CallOptions,
    context: ClientContext,
    next: (CallOptions, ClientContext) async throws -> ClientCallStreams<Request, Response>
  ) async throws -> ClientCallStreams<Request, Response> {
    let streams = try await next(options, context)
    if let probe = Echo_EchoRequest(text: "probe") as? Request {
      try await streams.requests.write(probe)
      var responses = streams.responses.makeAsyncIterator()
      _ = try await responses.next()
    }
    throw Boom()
  }
}
