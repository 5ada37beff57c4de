import GRPCKit
import GRPCKitNGHTTP2
import GRPCKitTesting
import GRPCTestSupport
import Testing

/// The same behaviours over the nghttp2 transport (loopback) and the in-process transport: what
/// a client sees must be the same, so a test written against the in-process transport says
/// something about production.
@Suite("In-process and nghttp2 semantics match")
struct TransportSemanticsTests {
  /// What a client saw of one call: the outcome and the `x-` metadata.
  struct Outcome: Hashable, CustomStringConvertible {
    var texts: [String] = []
    var code: Status.Code = .ok
    /// `nil` where the wording legitimately differs (which side noticed the deadline first).
    var message: String?
    var details: [ErrorDetail] = []
    var headers: [String] = []
    var trailers: [String] = []

    var description: String {
      "\(code) \(message ?? "-") texts=\(texts) details=\(details.count) headers=\(headers) trailers=\(trailers)"
    }
  }

  enum Behaviour: String, CaseIterable, CustomTestStringConvertible {
    case unaryWithMetadata
    case reservedMetadataDropped
    case serverStreaming
    case bidirectional
    case trailersOnlyError
    case errorWithDetails
    case deadline
    case unimplemented
    case requestTooLarge
    case responseTooLarge
    case cancelled

    var testDescription: String { self.rawValue }
  }

  @Test("A client sees the same over nghttp2 and in process", arguments: Behaviour.allCases)
  func sameOutcome(_ behaviour: Behaviour) async throws {
    let overHTTP2 = try await withTestServer(
      services: [RichErrorEchoService()],
      interceptors: [.apply(SeenKeysInterceptor(), to: .all)]
    ) { port in
      let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port)
      defer { transport.close() }
      return try await Self.run(behaviour, client: GRPCClient(transport: transport))
    }
    let inProcess = try await withInProcessServer(
      services: [RichErrorEchoService()],
      serverInterceptors: [SeenKeysInterceptor()]
    ) { client in
      try await Self.run(behaviour, client: client)
    }
    #expect(inProcess == overHTTP2)
    #expect(inProcess == Self.expected[behaviour], "in process")
  }

  static let metadata: Metadata = {
    var metadata: Metadata = [
      "x-echo-a": "1", "grpc-custom": "no", "te": "gzip", "user-agent": "mine",
    ]
    metadata.add("x-echo-bin", binary: [0, 1, 2, 255])
    return metadata
  }()

  static let expected: [Behaviour: Outcome] = [
    .unaryWithMetadata: Outcome(
      texts: ["hi"],
      headers: ["x-echo-a: 1", "x-echo-bin: <4 bytes>"],
      trailers: ["x-seen-keys: x-echo-a,x-echo-bin", "x-trailer: done"]
    ),
    .reservedMetadataDropped: Outcome(
      texts: ["hi"],
      headers: [],
      trailers: ["x-seen-keys: ", "x-trailer: done"]
    ),
    .serverStreaming: Outcome(
      texts: ["a", "b", "c"],
      headers: [],
      trailers: ["x-seen-keys: ", "x-trailer: done"]
    ),
    .bidirectional: Outcome(
      texts: ["1", "2", "3"],
      headers: [],
      trailers: ["x-seen-keys: ", "x-trailer: done"]
    ),
    .trailersOnlyError: Outcome(
      code: .failedPrecondition,
      message: "not now",
      headers: [],
      trailers: [
        "x-echo-a: 1", "x-echo-bin: <4 bytes>", "x-seen-keys: x-echo-a,x-echo-bin",
        "x-trailer: done",
      ]
    ),
    .errorWithDetails: Outcome(
      code: .notFound,
      message: "no room named ops",
      details: RichErrorEchoService.error.details,
      trailers: ["x-seen-keys: ", "x-trailer: done"]
    ),
    .deadline: Outcome(code: .deadlineExceeded),
    .unimplemented: Outcome(
      code: .unimplemented,
      message: "method 'Nope' is not implemented by service 'echo.Echo'"
    ),
    .requestTooLarge: Outcome(
      code: .resourceExhausted,
      message: "message is 5242885 bytes; limit 4194304"
    ),
    .responseTooLarge: Outcome(
      code: .resourceExhausted,
      message: "message is 2003 bytes; limit 1000"
    ),
    .cancelled: Outcome(code: .cancelled),
  ]

  static func run(_ behaviour: Behaviour, client: GRPCClient) async throws -> Outcome {
    let echo = Echo_Echo.Client(wrapping: client)
    let options = CallOptions(timeout: .seconds(30))
    var outcome = Outcome()
    do {
      switch behaviour {
      case .unaryWithMetadata, .reservedMetadataDropped:
        let metadata: Metadata =
          behaviour == .unaryWithMetadata
          ? Self.metadata : ["grpc-custom": "no", "te": "gzip", "content-length": "7"]
        try await echo.expand(
          Echo_EchoRequest(text: "hi"),
          options: CallOptions(timeout: .seconds(30), metadata: metadata)
        ) {
          responses in
          outcome.headers = Self.lines(try await responses.headers())
          for try await response in responses { outcome.texts.append(response.text) }
          outcome.trailers = Self.lines(responses.trailers ?? [:])
        }
      case .serverStreaming:
        try await echo.expand(Echo_EchoRequest(text: "a b c"), options: options) { responses in
          outcome.headers = Self.lines(try await responses.headers())
          for try await response in responses { outcome.texts.append(response.text) }
          outcome.trailers = Self.lines(responses.trailers ?? [:])
        }
      case .bidirectional:
        try await echo.update(options: options) { writer, responses in
          for text in ["1", "2", "3"] { try await writer.write(Echo_EchoRequest(text: text)) }
          writer.finish()
          outcome.headers = Self.lines(try await responses.headers())
          for try await response in responses { outcome.texts.append(response.text) }
          outcome.trailers = Self.lines(responses.trailers ?? [:])
        }
      case .trailersOnlyError:
        try await echo.expand(
          Echo_EchoRequest(text: "x", statusCode: 9, statusMessage: "not now"),
          options: CallOptions(timeout: .seconds(30), metadata: Self.metadata)
        ) { responses in
          outcome.headers = Self.lines(try await responses.headers())
          for try await response in responses { outcome.texts.append(response.text) }
        }
      case .errorWithDetails:
        outcome.texts.append(
          try await echo.get(Echo_EchoRequest(text: "details"), options: options).text
        )
      case .deadline:
        outcome.texts.append(
          try await echo.get(
            Echo_EchoRequest(text: "slow", delayMs: 10_000),
            options: CallOptions(timeout: .milliseconds(300))
          ).text
        )
      case .unimplemented:
        let response: Echo_EchoResponse = try await client.unary(
          InProcessTransportTests.missingMethod,
          request: Echo_EchoRequest(),
          options: options
        )
        outcome.texts.append(response.text)
      case .requestTooLarge:
        outcome.texts.append(
          try await echo.get(
            Echo_EchoRequest(payload: [UInt8](repeating: 7, count: 5 << 20)),
            options: options
          ).text
        )
      case .responseTooLarge:
        outcome.texts.append(
          try await echo.get(
            Echo_EchoRequest(payload: [UInt8](repeating: 7, count: 2000)),
            options: CallOptions(timeout: .seconds(30), maximumReceiveMessageSize: 1000)
          ).text
        )
      case .cancelled:
        let call = Task {
          try await echo.get(Echo_EchoRequest(text: "slow", delayMs: 30_000), options: options)
        }
        try await Task.sleep(for: .milliseconds(100))
        call.cancel()
        outcome.texts.append(try await call.value.text)
      }
    } catch let error as RPCError {
      outcome.code = error.code
      let wordingDiffers = [Behaviour.deadline, .cancelled].contains(behaviour)
      outcome.message = wordingDiffers ? nil : error.message
      outcome.details = error.details
      outcome.trailers = Self.lines(error.metadata)
    }
    return outcome
  }

  /// The `x-` entries of `metadata`, as sorted `key: value` lines.
  static func lines(_ metadata: Metadata) -> [String] {
    metadata.filter { $0.key.hasPrefix("x-") }.map { entry in
      switch entry.value {
      case .string(let value): return "\(entry.key): \(value)"
      case .binary(let bytes): return "\(entry.key): <\(bytes.count) bytes>"
      }
    }.sorted()
  }
}
