import Testing

@testable import GRPCKit

@Suite("gRPC header rules")
struct ProtocolHeadersTests {
  @Test(
    "grpc-timeout parses every unit",
    arguments: [
      ("1H", Duration.seconds(3600)), ("2M", .seconds(120)), ("3S", .seconds(3)),
      ("100m", .milliseconds(100)), ("5u", .microseconds(5)), ("99999999n", .nanoseconds(99_999_999)),
    ])
  func timeoutParses(value: String, expected: Duration) {
    #expect(GRPCTimeout.parse(value) == expected)
  }

  @Test("Malformed grpc-timeout values are rejected", arguments: ["", "S", "123456789S", "1x", "-1S", "1.5S"])
  func timeoutRejects(value: String) {
    #expect(GRPCTimeout.parse(value) == nil)
  }

  @Test("Encoded timeouts fit 8 digits and never shorten the deadline")
  func timeoutEncodes() {
    #expect(GRPCTimeout.encode(.milliseconds(100)) == "100000u")
    for duration in [Duration.milliseconds(100), .seconds(5), .seconds(86_400 * 365), .nanoseconds(1)] {
      let encoded = GRPCTimeout.encode(duration)
      #expect(encoded.count <= 9)
      #expect(GRPCTimeout.parse(encoded)! >= duration)
    }
  }

  @Test("grpc-message percent-encoding round-trips text with %, newlines and Unicode")
  func statusMessageRoundTrip() {
    let message = "not found: 100% ✓\nline"
    let encoded = StatusMessageEncoding.encode(message)
    #expect(encoded == "not found: 100%25 %E2%9C%93%0Aline")
    #expect(StatusMessageEncoding.decode(encoded) == message)
  }

  @Test("Malformed percent sequences are kept as they are")
  func statusMessageMalformed() {
    #expect(StatusMessageEncoding.decode("50%zz%") == "50%zz%")
  }

  @Test("Base64 round-trips every length and accepts unpadded input")
  func base64RoundTrip() {
    for length in 0..<20 {
      let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37) }
      let encoded = Base64.encode(bytes)
      #expect(Base64.decode(encoded) == bytes)
      #expect(Base64.decode(String(encoded.prefix { $0 != "=" })) == bytes)
    }
    #expect(Base64.encode(Array("hello".utf8)) == "aGVsbG8=")
    #expect(Base64.decode("a$b") == nil)
  }

  @Test(
    "HTTP statuses map to gRPC codes as the specification's table says",
    arguments: [
      (400, Status.Code.internal), (401, .unauthenticated), (403, .permissionDenied), (404, .unimplemented),
      (429, .unavailable), (502, .unavailable), (503, .unavailable), (504, .unavailable), (500, .unknown),
    ])
  func httpStatusMapping(status: Int, code: Status.Code) {
    #expect(GRPCHeaders.statusCode(forHTTPStatus: status) == code)
  }

  @Test("Content types application/grpc, +proto and ;params are gRPC; others are not")
  func contentTypes() {
    #expect(GRPCHeaders.isGRPCContentType("application/grpc"))
    #expect(GRPCHeaders.isGRPCContentType("application/grpc+proto"))
    #expect(GRPCHeaders.isGRPCContentType("application/grpc;charset=utf-8"))
    #expect(!GRPCHeaders.isGRPCContentType("application/json"))
    #expect(!GRPCHeaders.isGRPCContentType("application/grpcweb"))
  }

  @Test("Metadata from headers decodes -bin values, keeps repeats and drops reserved headers")
  func metadataFromHeaders() {
    let fields: [GRPCHeaders.Field] = [
      (":path", "/a/b"), ("content-type", "application/grpc"), ("grpc-timeout", "1S"),
      ("x-a", "1"), ("x-a", "2"), ("x-bin", "AAEC"), ("y-bin", "AAE=,Ag"),
    ]
    let metadata = GRPCHeaders.metadata(from: fields)
    #expect(metadata[stringValues: "x-a"] == ["1", "2"])
    #expect(metadata[binaryValues: "x-bin"] == [[0, 1, 2]])
    #expect(metadata[binaryValues: "y-bin"] == [[0, 1], [2]])
    #expect(metadata.count == 5)
  }

  @Test("Metadata to headers base64-encodes binary values and skips reserved keys")
  func metadataToHeaders() {
    var metadata: Metadata = ["x-a": "1", "grpc-status": "0"]
    metadata.add("x-bin", binary: [0, 1, 2])
    var fields: [GRPCHeaders.Field] = []
    GRPCHeaders.fields(from: metadata, into: &fields)
    #expect(fields.map(\.name) == ["x-a", "x-bin"])
    #expect(fields.map(\.value) == ["1", "AAEC"])
  }
}
