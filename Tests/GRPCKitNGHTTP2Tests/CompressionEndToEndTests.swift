import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import NIOCore
import Testing

/// Compression between our client and our server, and against raw HTTP/2 peers that show the
/// bytes on the wire.
@Suite("Compression end to end")
struct CompressionEndToEndTests {
  static let services: [any RegistrableRPCService] = [EchoService(), CompressionProbeService()]
  static let text = [UInt8](String(repeating: "compressible text, ", count: 4000).utf8)  // 76 KB

  private func withProbe<Result: Sendable>(
    server: NGHTTP2ServerConfiguration = NGHTTP2ServerConfiguration(),
    client: NGHTTP2ClientConfiguration = NGHTTP2ClientConfiguration(),
    _ body: (GRPCClient, Int) async throws -> Result
  ) async throws -> Result {
    try await withTestServer(services: Self.services, configuration: server) { port in
      let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port, configuration: client)
      defer { transport.close() }
      return try await body(GRPCClient(transport: transport), port)
    }
  }

  private func inspect(
    _ client: GRPCClient,
    payload: [UInt8],
    text: String = "",
    options: CallOptions
  ) async throws -> Echo_EchoResponse {
    try await client.unary(
      CompressionProbeService.inspect,
      request: Echo_EchoRequest(text: text, payload: payload),
      options: options
    )
  }

  @Test(
    "Requests in gzip and deflate reach the handler decompressed, and the reply comes back",
    arguments: [
      CompressionAlgorithm.gzip, .deflate,
    ]
  )
  func compressedRequest(algorithm: CompressionAlgorithm) async throws {
    try await withProbe { client, _ in
      let reply = try await inspect(
        client,
        payload: Self.text,
        options: CallOptions(compression: algorithm)
      )
      #expect(reply.text == algorithm.name)
      #expect(reply.payload == Self.text)
    }
  }

  @Test("A call without compression reaches the handler as identity")
  func identityRequest() async throws {
    try await withProbe { client, _ in
      let reply = try await inspect(client, payload: Self.text, options: CallOptions())
      #expect(reply.text == "identity")
      #expect(reply.payload == Self.text)
    }
  }

  @Test(
    "The server's limit applies to the decompressed request: compress true and false show on the wire"
  )
  func requestLimitAfterDecompression() async throws {
    var server = NGHTTP2ServerConfiguration()
    server.maximumReceiveMessageSize = 64 << 10
    let zeros = [UInt8](repeating: 0, count: 200 << 10)
    try await withProbe(server: server) { client, _ in
      let options = CallOptions(compression: .gzip)
      // Compressed, the message is ~200 bytes: only its decompressed size is over the limit.
      await #expect {
        let _: Echo_EchoResponse = try await client.clientStreaming(
          CompressionProbeService.inspect,
          options: options
        ) {
          (writer: RequestWriter<Echo_EchoRequest>) in
          try await writer.write(Echo_EchoRequest(payload: zeros))
        }
      } throws: { error in
        (error as? RPCError)?.code == .resourceExhausted
          && (error as? RPCError)?.message
            == "decompressed message exceeds the limit of 65536 bytes"
      }
      // Opted out, the message goes uncompressed and its length prefix is over the limit.
      await #expect {
        let _: Echo_EchoResponse = try await client.clientStreaming(
          CompressionProbeService.inspect,
          options: options
        ) {
          (writer: RequestWriter<Echo_EchoRequest>) in
          try await writer.write(Echo_EchoRequest(payload: zeros), compress: false)
        }
      } throws: { error in
        (error as? RPCError)?.code == .resourceExhausted
          && (error as? RPCError)?.message.hasSuffix("bytes; limit 65536") == true
      }
    }
  }

  @Test("Compressed and uncompressed requests mix in one stream")
  func mixedRequestStream() async throws {
    try await withProbe { client, port in
      try await withEchoClient(port: port) { echo in
        try await echo.update(options: CallOptions(compression: .deflate)) { writer, responses in
          var iterator = responses.makeAsyncIterator()
          for index in 0 ..< 6 {
            try await writer.write(
              Echo_EchoRequest(text: "m\(index)", payload: Self.text),
              compress: index % 2 == 0
            )
            let reply = try await iterator.next()
            #expect(reply?.text == "m\(index)")
            #expect(reply?.payload == Self.text)
          }
          writer.finish()
          #expect(try await iterator.next() == nil)
        }
      }
    }
  }

  @Test("Our client applies its receive limit to decompressed responses")
  func responseLimitAfterDecompression() async throws {
    var server = NGHTTP2ServerConfiguration()
    server.responseCompression = .always(.gzip)
    var client = NGHTTP2ClientConfiguration()
    client.maximumReceiveMessageSize = 64 << 10
    try await withProbe(server: server, client: client) { client, _ in
      let small = try await inspect(
        client,
        payload: Self.text.prefix(1000).map { $0 },
        options: CallOptions()
      )
      #expect(small.payload.count == 1000)
      // The request (uncompressed) fits the server; the reply is ~200 bytes gzip-compressed.
      let zeros = [UInt8](repeating: 0, count: 60 << 10)
      let reply = try await inspect(client, payload: zeros, options: CallOptions())
      #expect(reply.payload == zeros)
      await #expect {
        _ = try await inspect(
          client,
          payload: zeros,
          options: CallOptions(maximumReceiveMessageSize: 16 << 10)
        )
      } throws: { error in
        (error as? RPCError)?.code == .resourceExhausted
          && (error as? RPCError)?.message
            == "decompressed message exceeds the limit of 16384 bytes"
      }
    }
  }

  @Test("A client with compression disabled gets uncompressed responses")
  func clientWithoutCompression() async throws {
    var server = NGHTTP2ServerConfiguration()
    server.responseCompression = .always(.gzip)
    var client = NGHTTP2ClientConfiguration()
    client.enabledCompression = []
    try await withProbe(server: server, client: client) { client, _ in
      // The client accepts only identity, so the server's gzip policy does not apply: the reply
      // is rejected by its length prefix, not after decompression.
      let zeros = [UInt8](repeating: 0, count: 60 << 10)
      await #expect {
        _ = try await inspect(
          client,
          payload: zeros,
          options: CallOptions(maximumReceiveMessageSize: 32 << 10)
        )
      } throws: { error in
        (error as? RPCError)?.message.hasSuffix("bytes; limit 32768") == true
      }
    }
  }
}
