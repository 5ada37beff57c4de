import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import NIOCore
import Testing

/// Compression as raw HTTP/2 peers see it: headers, flag bytes, and compressed bytes.
///
/// Serialized: each test starts a Python peer, and ten at once would load a busy machine enough
/// to disturb the timing checks of other suites.
@Suite("Compression on the wire", .serialized)
struct CompressionWireTests {
  static let services: [any RegistrableRPCService] = [EchoService(), CompressionProbeService()]
  static let payload = [UInt8](String(repeating: "on the wire ", count: 500).utf8)

  /// A raw request with a generous timeout: nothing here measures time.
  static func rawRequest(port: Int, path: String = "/echo.Echo/Get", body: [UInt8]) -> RawRequest {
    var request = RawRequest(port: port, path: path, body: body)
    request.timeoutSeconds = 20
    return request
  }

  /// An `echo.EchoRequest` with `text` and `payload` (field 5).
  static func request(text: String = "", payload: [UInt8] = payload) -> [UInt8] {
    Wire.echoRequest(text: text) + [0x2A] + Wire.varint(payload.count) + payload
  }

  static func compress(_ bytes: [UInt8], _ algorithm: CompressionAlgorithm) throws -> [UInt8] {
    let compressor = try #require(MessageCompressor(algorithm: algorithm))
    var buffer = ByteBuffer()
    try bytes.withUnsafeBytes { raw in _ = try compressor.compress(raw, into: &buffer) }
    return Array(buffer.readableBytesView)
  }

  /// The messages in a response body: flag and (decompressed, if flagged) `echo.EchoResponse`.
  static func messages(
    _ data: [UInt8],
    encoding: CompressionAlgorithm?
  ) throws -> [(flag: UInt8, reply: Echo_EchoResponse)] {
    var result: [(UInt8, Echo_EchoResponse)] = []
    var offset = 0
    while offset + 5 <= data.count {
      let flag = data[offset]
      let length = data[offset + 1 ..< offset + 5].reduce(0) { $0 << 8 | Int($1) }
      var body = Array(data[offset + 5 ..< offset + 5 + length])
      offset += 5 + length
      if flag == 1 {
        let decompressor = try #require(encoding.flatMap { MessageDecompressor(algorithm: $0) })
        body = try body.withUnsafeBytes { raw in
          try decompressor.decompress(raw, limit: 1 << 20) { (bytes) throws(RPCError) in
            Array(bytes)
          }
        }
      }
      result.append((flag, try Echo_EchoResponse(serializedBytes: body)))
    }
    #expect(offset == data.count)
    return result
  }

  struct Case: Sendable, CustomTestStringConvertible {
    var policy: NGHTTP2ServerConfiguration.ResponseCompression
    var requestEncoding: CompressionAlgorithm?
    var accept: String?
    var override = ""
    var expected: CompressionAlgorithm?
    var testDescription: String {
      "policy \(policy), request \(requestEncoding?.name ?? "-"), accept \(accept ?? "-"), override \(override) -> \(expected?.name ?? "identity")"
    }
  }

  @Test(
    "Responses are compressed as the policy, the client's grpc-accept-encoding and the handler say",
    arguments: [
      Case(policy: .matchRequest, requestEncoding: .gzip, accept: "gzip", expected: .gzip),
      Case(
        policy: .matchRequest,
        requestEncoding: .deflate,
        accept: "gzip,deflate",
        expected: .deflate
      ),
      Case(policy: .matchRequest, requestEncoding: .gzip, accept: nil, expected: nil),
      Case(policy: .matchRequest, requestEncoding: nil, accept: "gzip", expected: nil),
      Case(policy: .disabled, requestEncoding: .gzip, accept: "gzip", expected: nil),
      Case(
        policy: .always(.deflate),
        requestEncoding: nil,
        accept: "gzip, deflate",
        expected: .deflate
      ),
      Case(policy: .always(.deflate), requestEncoding: nil, accept: "gzip", expected: nil),
      Case(
        policy: .matchRequest,
        requestEncoding: nil,
        accept: "deflate",
        override: "deflate",
        expected: .deflate
      ),
      Case(
        policy: .always(.gzip),
        requestEncoding: nil,
        accept: "gzip",
        override: "identity",
        expected: nil
      ),
      Case(
        policy: .disabled,
        requestEncoding: nil,
        accept: "gzip",
        override: "deflate",
        expected: nil
      ),
    ]
  )
  func responsePolicy(_ test: Case) async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.responseCompression = test.policy
    try await withTestServer(services: Self.services, configuration: configuration) { port in
      let message = Self.request(text: test.override)
      var request = Self.rawRequest(
        port: port,
        path: CompressionProbeService.inspect.path,
        body: Wire.frame(message)
      )
      if let encoding = test.requestEncoding {
        request.body = Wire.frame(try Self.compress(message, encoding), compressed: true)
        request.headers.append("grpc-encoding:\(encoding.name)")
      }
      if let accept = test.accept { request.headers.append("grpc-accept-encoding:\(accept)") }
      let response = try await request.send()
      #expect(response.grpcStatus == "0", "\(response)")
      #expect(response.header("grpc-encoding") == test.expected?.name)
      #expect(response.header("grpc-accept-encoding") == "gzip,deflate,identity")
      let messages = try Self.messages(response.data, encoding: test.expected)
      #expect(messages.map(\.flag) == [test.expected == nil ? 0 : 1])
      #expect(messages.first?.reply.text == (test.requestEncoding ?? .identity).name)
      #expect(messages.first?.reply.payload == Self.payload)
    }
  }

  @Test("Per-message opt-out mixes flag 0 and 1 in one compressed response stream")
  func mixedResponseStream() async throws {
    try await withTestServer(services: Self.services) { port in
      let message = Self.request(text: "cucuu")
      var request = Self.rawRequest(
        port: port,
        path: CompressionProbeService.words.path,
        body: Wire.frame(try Self.compress(message, .gzip), compressed: true)
      )
      request.headers = ["grpc-encoding:gzip", "grpc-accept-encoding:gzip"]
      let response = try await request.send()
      #expect(response.grpcStatus == "0", "\(response)")
      #expect(response.header("grpc-encoding") == "gzip")
      let messages = try Self.messages(response.data, encoding: .gzip)
      #expect(messages.map(\.flag) == [1, 0, 1, 0, 0])
      #expect(messages.map(\.reply.text) == ["c", "u", "c", "u", "u"])
      #expect(messages.allSatisfy { $0.reply.payload == Self.payload })
    }
  }

  @Test("A trailers-only response advertises grpc-accept-encoding")
  func trailersOnlyAdvertises() async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.enabledCompression = [.deflate]
    try await withTestServer(services: Self.services, configuration: configuration) { port in
      let response = try await Self.rawRequest(
        port: port,
        body: Wire.frame(Wire.echoRequest(statusCode: 5))
      ).send()
      #expect(response.grpcStatus == "5")
      #expect(response.header("grpc-accept-encoding") == "deflate,identity")
    }
  }

  @Test("The compressed flag with grpc-encoding identity is INTERNAL")
  func compressedFlagWithIdentity() async throws {
    try await withTestServer(services: Self.services) { port in
      var request = Self.rawRequest(
        port: port,
        body: Wire.frame(Wire.echoRequest(text: "x"), compressed: true)
      )
      request.headers = ["grpc-encoding:identity"]
      let response = try await request.send()
      #expect(response.grpcStatus == "13")
      #expect(
        response.grpcMessage
          == "message has the compressed flag set but the stream has no grpc-encoding"
      )
    }
  }

  @Test("A disabled algorithm is UNIMPLEMENTED like an unknown one")
  func disabledAlgorithm() async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.enabledCompression = [.gzip]
    try await withTestServer(services: Self.services, configuration: configuration) { port in
      var request = Self.rawRequest(
        port: port,
        body: Wire.frame(try Self.compress(Wire.echoRequest(text: "x"), .deflate), compressed: true)
      )
      request.headers = ["grpc-encoding:deflate"]
      let response = try await request.send()
      #expect(response.grpcStatus == "12")
      #expect(
        response.grpcMessage
          == "grpc-encoding 'deflate' is not supported; supported: gzip, identity"
      )
      #expect(response.header("grpc-accept-encoding") == "gzip,identity")
    }
  }

  @Test(
    "A 100 MiB zip bomb request is RESOURCE_EXHAUSTED at once",
    arguments: [CompressionAlgorithm.gzip, .deflate]
  )
  func zipBombRequest(algorithm: CompressionAlgorithm) async throws {
    let bombFile = try CompressedZeros.writeBomb(algorithm)
    defer { try? FileManager.default.removeItem(atPath: bombFile) }
    try await withTestServer(services: Self.services) { port in
      let process = try ExternalProcess.python(
        script: "compressed_h2_peer.py",
        arguments: [
          "client", "--timeout", "20", "--port", String(port), "--encoding", algorithm.name,
          "--body-file", bombFile,
        ]
      )
      try await withExternalProcess(process) { peer in
        let result = try await peer.waitForJSONObject(timeout: .seconds(30))
        let trailers =
          (result["trailers"] as? [[String]]) ?? (result["headers"] as? [[String]]) ?? []
        let fields = Dictionary(
          trailers.map { ($0[0], $0[1]) },
          uniquingKeysWith: { first, _ in first }
        )
        #expect(fields["grpc-status"] == "8", "\(result)")
        #expect(fields["grpc-message"] == "decompressed message exceeds the limit of 4194304 bytes")
        #expect(result["timed_out"] as? Bool == false)
        #expect((result["body"] as? Int ?? 0) < 200 << 10)
      }
    }
  }

  @Test("A 100 MiB zip bomb response is RESOURCE_EXHAUSTED and the client cancels the stream")
  func zipBombResponse() async throws {
    let bombFile = try CompressedZeros.writeBomb(.gzip)
    defer { try? FileManager.default.removeItem(atPath: bombFile) }
    let process = try ExternalProcess.python(
      script: "compressed_h2_peer.py",
      arguments: ["server", "--watch-parent", "--body-file", bombFile]
    )
    try await withExternalProcess(process) { peer in
      let port = try await peer.waitForListeningPort()
      try await withEchoClient(port: port) { echo in
        await #expect {
          _ = try await echo.get(Echo_EchoRequest(text: "bomb"))
        } throws: { error in
          (error as? RPCError)?.code == .resourceExhausted
            && (error as? RPCError)?.message
              == "decompressed message exceeds the limit of 4194304 bytes"
        }
        let event = try await peer.waitForJSONObject(timeout: .seconds(10)) {
          $0["event"] as? String == "reset"
        }
        #expect(event["error_code"] as? Int == 8)
      }
    }
  }

  @Test("A response in an encoding the client does not accept is INTERNAL and names it")
  func unknownResponseEncoding() async throws {
    let process = try ExternalProcess.python(
      script: "compressed_h2_peer.py",
      arguments: ["server", "--watch-parent", "--encoding", "snappy", "--zeros", "10"]
    )
    try await withExternalProcess(process) { peer in
      let port = try await peer.waitForListeningPort()
      _ = try await withEchoClient(port: port) { echo in
        await #expect {
          _ = try await echo.get(Echo_EchoRequest(text: "x"))
        } throws: { error in
          (error as? RPCError)?.code == .internal
            && (error as? RPCError)?.message
              == "response grpc-encoding 'snappy' is not one this client accepts (gzip,deflate,identity)"
        }
      }
    }
  }
}
