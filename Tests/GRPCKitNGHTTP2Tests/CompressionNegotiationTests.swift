import GRPCKit
import GRPCKitNGHTTP2
import Testing

/// How a server call's compression follows from its headers and the server configuration.
@Suite("Compression negotiation")
struct CompressionNegotiationTests {
  private func negotiate(
    encoding: String? = nil,
    accept: String? = "gzip,deflate,identity",
    enabled: [CompressionAlgorithm] = [.gzip, .deflate],
    policy: NGHTTP2ServerConfiguration.ResponseCompression = .matchRequest
  ) throws -> ServerCallCompression {
    try ServerCallCompression(
      encoding: encoding,
      acceptEncoding: accept,
      enabled: enabled,
      policy: policy
    )
  }

  @Test(
    "The request's encoding is the one in grpc-encoding",
    arguments: [
      (String?.none, CompressionAlgorithm.identity), ("identity", .identity), ("gzip", .gzip),
      ("deflate", .deflate),
    ]
  )
  func requestEncoding(header: String?, expected: CompressionAlgorithm) throws {
    #expect(try negotiate(encoding: header).requestEncoding == expected)
  }

  @Test("An unknown or disabled grpc-encoding is UNIMPLEMENTED and lists the enabled ones")
  func unsupported() {
    #expect {
      _ = try negotiate(encoding: "snappy")
    } throws: { error in
      (error as? RPCError)?.code == .unimplemented
        && (error as? RPCError)?.message
          == "grpc-encoding 'snappy' is not supported; supported: gzip, deflate, identity"
    }
    #expect {
      _ = try negotiate(encoding: "gzip", enabled: [.deflate])
    } throws: { error in
      (error as? RPCError)?.message
        == "grpc-encoding 'gzip' is not supported; supported: deflate, identity"
    }
  }

  @Test(
    "By default responses use the request's encoding when the client accepts it",
    arguments: [
      (String?("gzip"), String?("gzip,identity"), CompressionAlgorithm.gzip),
      ("gzip", "deflate", .identity),
      ("gzip", nil, .identity),
      ("deflate", "gzip, deflate", .deflate),
      (nil, "gzip", .identity),
    ]
  )
  func matchRequest(encoding: String?, accept: String?, expected: CompressionAlgorithm) throws {
    #expect(
      try negotiate(encoding: encoding, accept: accept).responseEncoding(override: nil) == expected
    )
  }

  @Test("A fixed response algorithm is used only when the client accepts it")
  func always() throws {
    #expect(
      try negotiate(accept: "gzip", policy: .always(.gzip)).responseEncoding(override: nil) == .gzip
    )
    #expect(
      try negotiate(accept: "deflate", policy: .always(.gzip)).responseEncoding(override: nil)
        == .identity
    )
    #expect(
      try negotiate(accept: "gzip", enabled: [.deflate], policy: .always(.gzip)).responseEncoding(
        override: nil
      ) == .identity
    )
  }

  @Test("With the policy disabled responses are uncompressed")
  func disabled() throws {
    #expect(
      try negotiate(encoding: "gzip", policy: .disabled).responseEncoding(override: nil)
        == .identity
    )
  }

  @Test("A handler's override wins when the client accepts it, else responses are uncompressed")
  func override() throws {
    let call = try negotiate(encoding: "gzip", accept: "gzip,deflate")
    #expect(call.responseEncoding(override: .deflate) == .deflate)
    #expect(call.responseEncoding(override: .identity) == .identity)
    #expect(try negotiate(accept: "gzip").responseEncoding(override: .deflate) == .identity)
    #expect(
      try negotiate(accept: "gzip", policy: .disabled).responseEncoding(override: .gzip) == .gzip
    )
  }

  @Test("A client that accepts nothing the server enabled never gets compressed responses")
  func neverCompressed() throws {
    #expect(try negotiate(accept: nil).responsesNeverCompressed)
    #expect(try negotiate(accept: "identity, br").responsesNeverCompressed)
    #expect(try !negotiate(accept: "br,gzip").responsesNeverCompressed)
  }

  @Test("grpc-accept-encoding lists the enabled algorithms, then identity")
  func acceptEncodingValue() {
    #expect(CompressionAlgorithm.acceptEncoding([.gzip, .deflate]) == "gzip,deflate,identity")
    #expect(CompressionAlgorithm.acceptEncoding([]) == "identity")
    #expect(CompressionAlgorithm.parseAcceptEncoding(" gzip ,x,\tdeflate") == [.gzip, .deflate])
  }
}
