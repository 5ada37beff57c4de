import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Synchronization
import Testing

/// A domain error that knows its status.
struct QuotaError: Error, RPCErrorConvertible {
  let used: Int
  var rpcErrorCode: Status.Code { .resourceExhausted }
  var rpcErrorMessage: String { "quota used up (\(self.used) calls)" }
  var rpcErrorMetadata: Metadata { ["quota-used": .string("\(self.used)")] }
}

/// Throws a ``QuotaError`` from every method.
struct QuotaService: Echo_Echo.ServiceProtocol {
  func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    throw QuotaError(used: 3)
  }
  func collect(
    requests: RequestStream<Echo_EchoRequest>,
    context: ServerContext
  ) async throws -> Echo_EchoResponse {
    throw QuotaError(used: 3)
  }
  func expand(
    request: Echo_EchoRequest,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    throw QuotaError(used: 3)
  }
  func update(
    requests: RequestStream<Echo_EchoRequest>,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    throw QuotaError(used: 3)
  }
}

@Suite("The client call API: responses with metadata, send limits, close, domain errors")
struct ClientCallAPITests {
  @Test("A unary call can return its response headers and trailers with the message")
  func unaryResponseMetadata() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let options = CallOptions(metadata: ["x-echo-flavour": "plain"])
        let response = try await echo.get(Echo_EchoRequest(text: "hi"), options: options) { $0 }
        #expect(try response.message.text == "hi")
        #expect(response.headers.first("x-echo-flavour") == "plain")
        #expect(response.trailers.first("x-trailer") == "done")
      }
    }
  }

  @Test("A failed unary call hands the error to onResponse, with the trailers")
  func unaryResponseFailure() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let response = try await echo.get(
          Echo_EchoRequest(text: "hi", statusCode: 5, statusMessage: "gone")
        ) { $0 }
        #expect(throws: RPCError(code: .notFound, message: "gone", metadata: ["x-trailer": "done"]))
        {
          try response.message
        }
        #expect(response.trailers.first("x-trailer") == "done")
      }
    }
  }

  @Test("A client-streaming call can return its headers and trailers with the message")
  func clientStreamingResponseMetadata() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let (text, trailers) = try await echo.collect { writer in
          try await writer.write(Echo_EchoRequest(text: "a"))
          try await writer.write(Echo_EchoRequest(text: "b"))
        } onResponse: { response in
          (try response.message.text, response.trailers)
        }
        #expect(text == "a b")
        #expect(trailers.first("x-trailer") == "done")
      }
    }
  }

  @Test(
    "A request over the call's send limit fails the call with RESOURCE_EXHAUSTED and is not sent"
  )
  func callSendLimit() async throws {
    let log = AttemptLog()
    try await withTestServer(services: [RetryProbeService.failing(0, log: log)]) { port in
      try await withEchoClient(port: port) { echo in
        let error = await #expect(throws: RPCError.self) {
          try await echo.collect(options: CallOptions(maximumSendMessageSize: 10)) { writer in
            try await writer.write(Echo_EchoRequest(text: "small"))
            try await writer.write(Echo_EchoRequest(text: String(repeating: "x", count: 20)))
          }
        }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message == "request message is 22 bytes; the send limit is 10 bytes")
      }
    }
    // The handler never read the large message: its request stream ended with the cancellation.
    #expect(log.requests.isEmpty)
  }

  @Test("The client transport's send limit applies when the call sets none")
  func transportSendLimit() async throws {
    var configuration = NGHTTP2ClientConfiguration()
    configuration.maximumSendMessageSize = 8
    try await withTestServer { port in
      try await withEchoClient(port: port, configuration: configuration) { echo in
        let error = await #expect(throws: RPCError.self) {
          try await echo.get(Echo_EchoRequest(text: String(repeating: "x", count: 20)))
        }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message == "request message is 22 bytes; the send limit is 8 bytes")
        let small = try await echo.get(Echo_EchoRequest(text: "ok"))
        #expect(small.text == "ok")
      }
    }
  }

  @Test(
    "The server transport's send limit fails a handler's large response with RESOURCE_EXHAUSTED"
  )
  func serverSendLimit() async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.maximumSendMessageSize = 8
    try await withTestServer(configuration: configuration) { port in
      try await withEchoClient(port: port) { echo in
        let error = await #expect(throws: RPCError.self) {
          try await echo.get(Echo_EchoRequest(text: String(repeating: "x", count: 20)))
        }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message == "response message is 22 bytes; the send limit is 8 bytes")
      }
    }
  }

  @Test("The service config's timeout and size limits apply when the call sets none")
  func serviceConfigDefaults() async throws {
    try await withTestServer { port in
      let json = """
        {"methodConfig": [{"name": [{"service": "echo.Echo"}], "timeout": "0.2s", "maxRequestMessageBytes": 50,
          "maxResponseMessageBytes": 40}]}
        """
      try await withServiceConfigClient(port: port, json: json) { echo in
        let slow = await #expect(throws: RPCError.self) {
          try await echo.get(Echo_EchoRequest(delayMs: 10_000))
        }
        #expect(slow?.code == .deadlineExceeded)
        let large = await #expect(throws: RPCError.self) {
          // Its own timeout: the config's 0.2 s is for the call above, and a loaded machine may
          // not connect that fast; the send limit still comes from the config.
          try await echo.get(
            Echo_EchoRequest(text: String(repeating: "x", count: 60)),
            options: CallOptions(timeout: .seconds(20))
          )
        }
        #expect(large?.message == "request message is 62 bytes; the send limit is 50 bytes")
        let largeReply = await #expect(throws: RPCError.self) {
          try await echo.get(
            Echo_EchoRequest(text: String(repeating: "x", count: 45)),
            options: CallOptions(timeout: .seconds(20))
          )
        }
        #expect(largeReply?.code == .resourceExhausted)
        // The call's own options win over the config.
        let reply = try await echo.get(
          Echo_EchoRequest(text: "late", delayMs: 400),
          options: CallOptions(timeout: .seconds(20))
        )
        #expect(reply.text == "late")
      }
    }
  }

  @Test("A graceful shutdown refuses new calls and lets a streaming call in flight finish")
  func gracefulShutdown() async throws {
    try await withTestServer { port in
      let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port)
      defer { transport.close() }
      let client = GRPCClient(transport: transport)
      let echo = Echo_Echo.Client(wrapping: client)
      let replies = try await echo.update { writer, responses in
        var iterator = responses.makeAsyncIterator()
        try await writer.write(Echo_EchoRequest(text: "before"))
        let first = try await iterator.next()?.text
        client.beginGracefulShutdown()
        let refused = await #expect(throws: RPCError.self) {
          try await echo.get(Echo_EchoRequest(text: "new"))
        }
        #expect(refused?.code == .unavailable)
        #expect(!transport.isClosed)
        try await writer.write(Echo_EchoRequest(text: "after"))
        writer.finish()
        let second = try await iterator.next()?.text
        #expect(try await iterator.next() == nil)
        return [first, second]
      }
      #expect(replies == ["before", "after"])
      #expect(transport.isClosed)
    }
  }

  @Test("close() ends calls in flight with UNAVAILABLE")
  func immediateClose() async throws {
    try await withTestServer { port in
      let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port)
      let client = GRPCClient(transport: transport)
      let echo = Echo_Echo.Client(wrapping: client)
      let error = await #expect(throws: RPCError.self) {
        try await echo.update { writer, responses in
          var iterator = responses.makeAsyncIterator()
          try await writer.write(Echo_EchoRequest(text: "before"))
          _ = try await iterator.next()
          client.close()
          _ = try await iterator.next()
        }
      }
      #expect(error?.code == .unavailable)
      #expect(transport.isClosed)
    }
  }

  @Test("A handler's RPCErrorConvertible error ends the call with its code, message and metadata")
  func errorConvertible() async throws {
    try await withTestServer(services: [QuotaService()]) { port in
      try await withEchoClient(port: port) { echo in
        let error = await #expect(throws: RPCError.self) { try await echo.get(Echo_EchoRequest()) }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message == "quota used up (3 calls)")
        #expect(error?.metadata.first("quota-used") == "3")
      }
    }
  }

  @Test("RPCError(wrapping:) keeps a convertible error as the cause")
  func convertibleCause() {
    let error = RPCError(QuotaError(used: 1))
    #expect(error.code == .resourceExhausted)
    #expect((error.cause as? QuotaError)?.used == 1)
  }
}
