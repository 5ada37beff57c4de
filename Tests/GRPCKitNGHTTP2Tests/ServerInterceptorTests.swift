import GRPCKit
import GRPCKitNGHTTP2
import GRPCLocking
import GRPCTestSupport
import InMemoryLogging
import Logging
import Testing

@Suite("Server interceptors over loopback")
struct ServerInterceptorTests {
  @Test("Interceptors run in the order given, around the handler")
  func order() async throws {
    let log = EventLog()
    let interceptors: [ConditionalInterceptor<any ServerInterceptor>] = ["first", "second", "third"].map {
      .apply(RecordingServerInterceptor(name: $0, log: log), to: .all)
    }
    try await withTestServer(services: [LoggedEchoService(log: log)], interceptors: interceptors) { port in
      try await withEchoClient(port: port) { echo in
        _ = try await echo.get(Echo_EchoRequest(text: "hi"))
      }
    }
    #expect(log.entries == ["first in", "second in", "third in", "handler get", "third out", "second out", "first out"])
  }

  @Test("An interceptor scoped to a service runs for its methods only")
  func scopedToService() async throws {
    let log = EventLog()
    let interceptors: [ConditionalInterceptor<any ServerInterceptor>] = [
      .apply(RecordingServerInterceptor(name: "echo only", log: log), to: .services([Echo_Echo.descriptor]))
    ]
    try await withTestServer(
      services: [LoggedEchoService(log: log), OtherEchoService()], interceptors: interceptors
    ) { port in
      try await withEchoClient(port: port) { echo in
        let _: Echo_EchoResponse = try await echo.client.unary(OtherEchoService.get, request: Echo_EchoRequest())
        #expect(log.entries.isEmpty)
        _ = try await echo.collect { writer in try await writer.write(Echo_EchoRequest(text: "a")) }
      }
    }
    #expect(log.entries == ["echo only in", "handler collect", "echo only out"])
  }

  @Test("An interceptor scoped to a method runs for that method only")
  func scopedToMethod() async throws {
    let log = EventLog()
    let interceptors: [ConditionalInterceptor<any ServerInterceptor>] = [
      .apply(RecordingServerInterceptor(name: "get only", log: log), to: .methods([Echo_Echo.Method.get]))
    ]
    try await withTestServer(services: [LoggedEchoService(log: log)], interceptors: interceptors) { port in
      try await withEchoClient(port: port) { echo in
        _ = try await echo.expand(Echo_EchoRequest(text: "a")) { responses in
          for try await _ in responses {}
        }
        _ = try await echo.get(Echo_EchoRequest(text: "a"))
      }
    }
    #expect(log.entries == ["handler expand", "get only in", "handler get", "get only out"])
  }

  @Test("A call without a bearer token is UNAUTHENTICATED and its handler never runs")
  func bearerTokenMissing() async throws {
    let log = EventLog()
    let interceptors: [ConditionalInterceptor<any ServerInterceptor>] = [
      .apply(BearerTokenInterceptor(isValid: { $0 == "s3cret" }), to: .all)
    ]
    try await withTestServer(services: [LoggedEchoService(log: log)], interceptors: interceptors) { port in
      try await withEchoClient(port: port) { echo in
        for metadata: Metadata in [[:], ["authorization": "Bearer wrong"], ["authorization": "Basic czNjcmV0"]] {
          await #expect {
            _ = try await echo.get(Echo_EchoRequest(text: "hi"), options: CallOptions(metadata: metadata))
          } throws: { error in
            let error = error as? RPCError
            return error?.code == .unauthenticated && error?.message == "a valid bearer token is required"
          }
        }
      }
    }
    #expect(log.entries.isEmpty)
  }

  @Test("A call with a valid bearer token reaches its handler")
  func bearerTokenValid() async throws {
    let log = EventLog()
    try await withTestServer(
      services: [LoggedEchoService(log: log)],
      interceptors: [.apply(BearerTokenInterceptor(isValid: { $0 == "s3cret" }), to: .all)]
    ) { port in
      try await withEchoClient(
        port: port, interceptors: [.apply(BearerTokenClientInterceptor(token: "s3cret"), to: .all)]
      ) { echo in
        let reply = try await echo.get(Echo_EchoRequest(text: "hi"))
        #expect(reply.text == "hi")
      }
    }
    #expect(log.entries == ["handler get"])
  }

  @Test("The handler sees the request metadata an interceptor passed on, and it is ServerContext.current")
  func changedMetadata() async throws {
    let log = EventLog()
    try await withTestServer(
      services: [LoggedEchoService(log: log)],
      interceptors: [.apply(MetadataRewritingInterceptor(), to: .all)]
    ) { port in
      try await withEchoClient(port: port) { echo in
        let headers = try await echo.expand(
          Echo_EchoRequest(text: "w"), options: CallOptions(metadata: ["x-echo-secret": "s", "x-echo-keep": "k"])
        ) { responses in
          for try await _ in responses {}
          return try await responses.headers()
        }
        #expect(headers.first("x-echo-secret") == nil)
        #expect(headers.first("x-echo-keep") == "k")
        #expect(headers.first("x-echo-user") == "ada")
      }
    }
    #expect(log.entries == ["handler expand"])
  }

  @Test("Wrapped request and response streams are what the handler and the client see", arguments: EchoCallKind.allCases)
  func wrappedStreams(kind: EchoCallKind) async throws {
    let transforming = TransformingServerInterceptor()
    try await withTestServer(interceptors: [.apply(transforming, to: .all)]) { port in
      try await withEchoClient(port: port) { echo in
        let replies = try await kind.run(echo)
        let expected = kind.responses(to: kind.requests.map { $0.uppercased() }).map { $0 + "!" }
        #expect(replies == expected)
        #expect(transforming.received.count == kind.requests.count)
        #expect(transforming.sent.count == expected.count)
      }
    }
  }

  @Test("An interceptor that throws ends the call with its RPCError, or UNKNOWN naming it", arguments: ThrownError.allCases)
  func throwing(thrown: ThrownError) async throws {
    let log = EventLog()
    _ = try await withTestServer(
      services: [LoggedEchoService(log: log)],
      interceptors: [.apply(ThrowingServerInterceptor(error: thrown.error), to: .all)]
    ) { port in
      try await withEchoClient(port: port) { echo in
        await #expect {
          _ = try await echo.get(Echo_EchoRequest(text: "hi"))
        } throws: { error in
          guard let error = error as? RPCError else { return false }
          switch thrown {
          case .rpcError:
            return error == ThrownError.rpcErrorValue && error.metadata.first("x-reason") == "test"
          case .otherError:
            return error.code == .unknown && error.message == "server interceptor ThrowingServerInterceptor threw Boom: boom"
          }
        }
      }
    }
    #expect(log.entries.isEmpty)
  }

  @Test("A handler's error reaches the interceptors as UNKNOWN with the error as its cause")
  func handlerErrorCause() async throws {
    let seen = Mutex<RPCError?>(nil)
    let observer = ErrorObservingInterceptor { error in seen.withLock { $0 = error } }
    _ = try await withTestServer(services: [FailingEchoService()], interceptors: [.apply(observer, to: .all)]) {
      port in
      try await withEchoClient(port: port) { echo in
        await #expect {
          _ = try await echo.get(Echo_EchoRequest(text: "hi"))
        } throws: { error in
          (error as? RPCError)?.code == .unknown && (error as? RPCError)?.message == "handler threw Boom: boom"
        }
      }
    }
    let error = seen.withLock { $0 }
    #expect(error?.code == .unknown)
    #expect(error?.cause is Boom)
  }

  @Test("The README's logging interceptor logs each call with its status and message counts")
  func loggingInterceptor() async throws {
    let logs = InMemoryLogHandler()
    let logger = Logger(label: "test.calls") { _ in logs }
    try await withTestServer(interceptors: [.apply(LoggingServerInterceptor(logger: logger), to: .all)]) { port in
      try await withEchoClient(port: port) { echo in
        _ = try await EchoCallKind.bidirectional.run(echo)
        await #expect(throws: RPCError.self) {
          _ = try await echo.get(Echo_EchoRequest(statusCode: 5, statusMessage: "nothing here"))
        }
      }
    }
    let entries = logs.entries
    try #require(entries.count == 2)
    #expect(entries[0].message == "call ended")
    #expect(entries[0].metadata["grpc.method"] == "/echo.Echo/Update")
    #expect(entries[0].metadata["grpc.code"] == "OK")
    #expect(entries[0].metadata["grpc.received"] == "2")
    #expect(entries[0].metadata["grpc.sent"] == "2")
    #expect(entries[1].metadata["grpc.method"] == "/echo.Echo/Get")
    #expect(entries[1].metadata["grpc.code"] == "NOT_FOUND")
    #expect(entries[1].metadata["grpc.message"] == "nothing here")
  }
}

/// Replaces `x-echo-secret` with `x-echo-user: ada` in the metadata the handler sees.
private struct MetadataRewritingInterceptor: ServerInterceptor {
  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next: @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) async throws {
    var metadata = context.requestMetadata
    metadata.removeAll("x-echo-secret")
    metadata.add("x-echo-user", "ada")
    try await next(requests, responses, context.replacingRequestMetadata(with: metadata))
  }
}

/// Passes the call on and reports the error that comes back from the handler.
private struct ErrorObservingInterceptor: ServerInterceptor {
  let observe: @Sendable (RPCError) -> Void

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next: @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) async throws {
    do {
      try await next(requests, responses, context)
    } catch let error as RPCError {
      self.observe(error)
      throw error
    }
  }
}

/// An Echo service whose `Get` throws an error that is not an `RPCError`.
private struct FailingEchoService: Echo_Echo.ServiceProtocol {
  func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    throw Boom()
  }

  func collect(requests: RequestStream<Echo_EchoRequest>, context: ServerContext) async throws -> Echo_EchoResponse {
    throw Boom()
  }

  func expand(
    request: Echo_EchoRequest,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    throw Boom()
  }

  func update(
    requests: RequestStream<Echo_EchoRequest>,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    throw Boom()
  }
}
