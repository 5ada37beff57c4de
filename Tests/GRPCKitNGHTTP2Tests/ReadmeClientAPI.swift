import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

// The README's client API examples, compiled and run.

/// Code under test takes the client protocol, so a test can hand it a mock.
func shout(through echo: some Echo_Echo.ClientProtocol, _ text: String) async throws -> String {
  try await echo.get(Echo_EchoRequest(text: text)).text.uppercased()
}

/// A mock of `echo.Echo`: `Get` answers from memory, the other calls are not mocked.
struct MockEcho: Echo_Echo.ClientProtocol {
  func get(_ request: Echo_EchoRequest, options: CallOptions) async throws -> Echo_EchoResponse {
    Echo_EchoResponse(text: "mocked \(request.text)")
  }

  func get<Result: Sendable>(
    _ request: Echo_EchoRequest,
    options: CallOptions,
    onResponse: (ClientResponse<Echo_EchoResponse>) async throws -> Result
  ) async throws -> Result {
    try await onResponse(
      ClientResponse(result: .success(try await self.get(request, options: options)))
    )
  }

  func collect(
    options: CallOptions,
    requests: (RequestWriter<Echo_EchoRequest>) async throws -> Void
  ) async throws -> Echo_EchoResponse {
    throw RPCError(code: .unimplemented, message: "not mocked")
  }

  func collect<Result: Sendable>(
    options: CallOptions,
    requests: (RequestWriter<Echo_EchoRequest>) async throws -> Void,
    onResponse: (ClientResponse<Echo_EchoResponse>) async throws -> Result
  ) async throws -> Result {
    throw RPCError(code: .unimplemented, message: "not mocked")
  }

  func expand<Result: Sendable>(
    _ request: Echo_EchoRequest,
    options: CallOptions,
    body: (ResponseStream<Echo_EchoResponse>) async throws -> Result
  ) async throws -> Result {
    throw RPCError(code: .unimplemented, message: "not mocked")
  }

  func update<Result: Sendable>(
    options: CallOptions,
    body: (RequestWriter<Echo_EchoRequest>, ResponseStream<Echo_EchoResponse>) async throws ->
      Result
  ) async throws -> Result {
    throw RPCError(code: .unimplemented, message: "not mocked")
  }
}

/// The README's domain error.
enum RoomError: Error, RPCErrorConvertible {
  case full(limit: Int)

  var rpcErrorCode: Status.Code { .resourceExhausted }
  var rpcErrorMessage: String {
    switch self {
    case .full(let limit): "the room is full (\(limit) members)"
    }
  }
  var rpcErrorMetadata: Metadata {
    switch self {
    case .full(let limit): ["room-limit": .string("\(limit)")]
    }
  }
}

@Suite("README: the client call API")
struct ReadmeClientAPITests {
  @Test("A mock of the client protocol stands in for the generated client")
  func mockedClient() async throws {
    #expect(try await shout(through: MockEcho(), "hi") == "MOCKED HI")
    let reply = try await MockEcho().get(Echo_EchoRequest(text: "x")) { try $0.message }
    #expect(reply.text == "mocked x")
  }

  @Test("The same code runs against the generated client and a real server")
  func realClient() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let shouted = try await shout(through: echo, "hi")
        #expect(shouted == "HI")
      }
    }
  }

  @Test("The README's response, send limit and close examples run")
  func callExamples() async throws {
    try await withTestServer { port in
      let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port)
      defer { transport.close() }
      let client = GRPCClient(transport: transport)
      let echo = Echo_Echo.Client(wrapping: client)
      let (reply, trailers) = try await echo.get(Echo_EchoRequest(text: "hi")) { response in
        (try response.message, response.trailers)
      }
      #expect(reply.text == "hi")
      #expect(trailers.first("x-trailer") == "done")
      let request = Echo_EchoRequest(text: "small")
      let small = try await echo.get(
        request,
        options: CallOptions(maximumSendMessageSize: 64 << 10)
      )
      #expect(small.text == "small")
      client.beginGracefulShutdown()  // new calls: UNAVAILABLE; open calls finish, then it closes
      #expect(transport.isClosed)
    }
  }

  @Test("The README's service config parses and retries a flaky method")
  func serviceConfigExample() async throws {
    let log = AttemptLog()
    try await withTestServer(services: [RetryProbeService.failing(1, log: log)]) { port in
      let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port)
      defer { transport.close() }
      let client = try GRPCClient(
        transport: transport,
        serviceConfigJSON: """
          {
            "methodConfig": [{
              "name": [{"service": "echo.Echo", "method": "Get"}],
              "timeout": "30s",
              "retryPolicy": {
                "maxAttempts": 3,
                "initialBackoff": "0.1s",
                "maxBackoff": "1s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE"]
              }
            }],
            "retryThrottling": {"maxTokens": 10, "tokenRatio": 0.1},
            "loadBalancingConfig": [{"pick_first": {}}]
          }
          """
      )
      let echo = Echo_Echo.Client(wrapping: client)
      #expect(
        try await echo.get(Echo_EchoRequest(text: "hi")).text == "hi after 1 earlier attempts"
      )
    }
    #expect(log.previousAttempts == [0, 1])
  }

  @Test("The README's domain error reaches the client as its status")
  func domainError() async throws {
    struct RoomService: Echo_Echo.ServiceProtocol {
      func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse
      {
        throw RoomError.full(limit: 50)
      }
      func collect(
        requests: RequestStream<Echo_EchoRequest>,
        context: ServerContext
      ) async throws -> Echo_EchoResponse {
        throw RoomError.full(limit: 50)
      }
      func expand(
        request: Echo_EchoRequest,
        responses: ResponseWriter<Echo_EchoResponse>,
        context: ServerContext
      )
        async throws
      {}
      func update(
        requests: RequestStream<Echo_EchoRequest>,
        responses: ResponseWriter<Echo_EchoResponse>,
        context: ServerContext
      ) async throws {}
    }
    try await withTestServer(services: [RoomService()]) { port in
      try await withEchoClient(port: port) { echo in
        let response = try await echo.get(Echo_EchoRequest()) { $0 }
        #expect(
          throws: RPCError(
            code: .resourceExhausted,
            message: "the room is full (50 members)",
            metadata: ["room-limit": "50"]
          )
        ) {
          try response.message
        }
      }
    }
  }
}
