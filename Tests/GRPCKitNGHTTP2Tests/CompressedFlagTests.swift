import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

/// The compressed flag of each message, as handlers and clients see it
/// (`RequestStream.lastMessageWasCompressed`, `ResponseStream.lastMessageWasCompressed`).
@Suite("Per-message compressed flag")
struct CompressedFlagTests {
  /// `compression.Flags/Echo`: replies to each request with `compressed` or `plain`, as the
  /// handler saw the request's flag.
  struct FlagEchoService: RegistrableRPCService {
    static let echo = ProtobufMethodDescriptor(
      name: "Echo",
      serviceName: "compression.Flags",
      kind: .bidirectionalStreaming,
      inputType: "echo.EchoRequest",
      outputType: "echo.EchoResponse"
    )

    func registerMethods(with router: inout RPCRouter) {
      router.registerBidirectionalStreaming(Self.echo) {
        (requests: RequestStream<Echo_EchoRequest>, responses: ResponseWriter<Echo_EchoResponse>, _) in
        for try await _ in requests {
          try await responses.write(Echo_EchoResponse(text: requests.lastMessageWasCompressed ? "compressed" : "plain"))
        }
      }
    }
  }

  static let text = [UInt8](String(repeating: "compressible text, ", count: 100).utf8)

  @Test("A handler sees which requests of one stream arrived compressed")
  func handlerSeesRequestFlags() async throws {
    try await withTestServer(services: [FlagEchoService()]) { port in
      let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port)
      defer { transport.close() }
      let client = GRPCClient(transport: transport)
      let pattern = [true, false, false, true]
      let seen: [String] = try await client.bidirectionalStreaming(
        FlagEchoService.echo, options: CallOptions(compression: .gzip)
      ) { (writer: RequestWriter<Echo_EchoRequest>, responses: ResponseStream<Echo_EchoResponse>) in
        var iterator = responses.makeAsyncIterator()
        var seen: [String] = []
        for compress in pattern {
          try await writer.write(Echo_EchoRequest(payload: Self.text), compress: compress)
          seen.append(try await iterator.next()?.text ?? "none")
        }
        writer.finish()
        return seen
      }
      #expect(seen == pattern.map { $0 ? "compressed" : "plain" })
    }
  }

  @Test("Without request compression every request is plain")
  func uncompressedCallIsPlain() async throws {
    try await withTestServer(services: [FlagEchoService()]) { port in
      let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port)
      defer { transport.close() }
      let seen: String = try await GRPCClient(transport: transport).bidirectionalStreaming(FlagEchoService.echo) {
        (writer: RequestWriter<Echo_EchoRequest>, responses: ResponseStream<Echo_EchoResponse>) in
        try await writer.write(Echo_EchoRequest(payload: Self.text))
        writer.finish()
        var iterator = responses.makeAsyncIterator()
        return try await iterator.next()?.text ?? "none"
      }
      #expect(seen == "plain")
    }
  }

  @Test("A client sees which responses arrived compressed")
  func clientSeesResponseFlags() async throws {
    try await withTestServer(services: [CompressionProbeService()]) { port in
      let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port)
      defer { transport.close() }
      // The request is gzip, so responses are too (the policy matches it), except where the
      // handler writes with `compress: false`: every character but `c`.
      let flags: [Bool] = try await GRPCClient(transport: transport).serverStreaming(
        CompressionProbeService.words,
        request: Echo_EchoRequest(text: "cpcc", payload: Self.text),
        options: CallOptions(compression: .gzip)
      ) { (responses: ResponseStream<Echo_EchoResponse>) in
        #expect(!responses.lastMessageWasCompressed)
        var flags: [Bool] = []
        for try await _ in responses { flags.append(responses.lastMessageWasCompressed) }
        return flags
      }
      #expect(flags == [true, false, true, true])
    }
  }
}
