import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import NIOCore
import Testing

/// The zlib wrapper: whole-message compression and bounded decompression.
@Suite("zlib message compression")
struct ZlibCompressionTests {
  static let algorithms: [CompressionAlgorithm] = [.gzip, .deflate]
  static let sizes = [0, 1, 100, 4 << 10, 64 << 10, 1 << 20, 3 << 20]

  /// Bytes that compress somewhat but not trivially: a text with a counter, 64 KiB of it
  /// repeated (farther apart than zlib's 32 KiB window) up to 3 MiB. Built once;
  /// `sample(count:)` takes a prefix.
  static let samples: [UInt8] = {
    var block: [UInt8] = []
    var index = 0
    while block.count < 64 << 10 {
      block.append(contentsOf: "message \(index) of the sample; ".utf8)
      index += 1
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(3 << 20)
    while bytes.count < 3 << 20 { bytes.append(contentsOf: block.prefix(64 << 10)) }
    return bytes
  }()
  static func sample(count: Int) -> [UInt8] { Array(Self.samples.prefix(count)) }

  static func compress(_ input: [UInt8], _ algorithm: CompressionAlgorithm) throws -> [UInt8] {
    let compressor = try #require(MessageCompressor(algorithm: algorithm))
    var output = ByteBuffer()
    try input.withUnsafeBytes { raw in _ = try compressor.compress(raw, into: &output) }
    return Array(output.readableBytesView)
  }

  static func decompress(
    _ input: [UInt8],
    _ algorithm: CompressionAlgorithm,
    limit: Int = 64 << 20,
    using decompressor: MessageDecompressor? = nil
  ) throws -> [UInt8] {
    let decompressor = try decompressor ?? #require(MessageDecompressor(algorithm: algorithm))
    return try input.withUnsafeBytes { raw in
      try decompressor.decompress(raw, limit: limit) { (bytes) throws(RPCError) in Array(bytes) }
    }
  }

  @Test("Messages of every size survive a round trip", arguments: algorithms, sizes)
  func roundTrip(algorithm: CompressionAlgorithm, size: Int) throws {
    let input = Self.sample(count: size)
    let compressed = try Self.compress(input, algorithm)
    if size >= 4 << 10 { #expect(compressed.count < input.count / 4) }
    #expect(try Self.decompress(compressed, algorithm) == input)
  }

  @Test("gzip output is in the gzip format and deflate output in the zlib format")
  func formats() throws {
    let gzip = try Self.compress(Array("hello".utf8), .gzip)
    #expect(Array(gzip.prefix(2)) == [0x1F, 0x8B])
    let deflate = try Self.compress(Array("hello".utf8), .deflate)
    #expect(deflate[0] & 0x0F == 8 && (UInt16(deflate[0]) << 8 | UInt16(deflate[1])) % 31 == 0)
  }

  @Test("One compressor and one decompressor handle many messages in a row", arguments: algorithms)
  func reuse(algorithm: CompressionAlgorithm) throws {
    let compressor = try #require(MessageCompressor(algorithm: algorithm))
    let decompressor = try #require(MessageDecompressor(algorithm: algorithm))
    for size in [100, 200 << 10, 0, 3, 100 << 10] {
      let input = Self.sample(count: size)
      var output = ByteBuffer()
      try input.withUnsafeBytes { raw in _ = try compressor.compress(raw, into: &output) }
      #expect(
        try Self.decompress(Array(output.readableBytesView), algorithm, using: decompressor)
          == input
      )
    }
  }

  @Test(
    "A message of exactly the limit is accepted; one byte more is RESOURCE_EXHAUSTED",
    arguments: algorithms
  )
  func exactLimit(algorithm: CompressionAlgorithm) throws {
    let compressed = try Self.compress(Self.sample(count: 10_000), algorithm)
    #expect(try Self.decompress(compressed, algorithm, limit: 10_000).count == 10_000)
    #expect {
      _ = try Self.decompress(compressed, algorithm, limit: 9_999)
    } throws: { error in
      (error as? RPCError)?.code == .resourceExhausted
        && (error as? RPCError)?.message == "decompressed message exceeds the limit of 9999 bytes"
    }
  }

  @Test(
    "100 MiB of zeros in ~100 KB is RESOURCE_EXHAUSTED at the 4 MiB limit",
    arguments: algorithms
  )
  func zipBomb(algorithm: CompressionAlgorithm) throws {
    let bomb = CompressedZeros.bomb(algorithm)
    #expect(bomb.count < 200 << 10)
    #expect {
      _ = try Self.decompress(bomb, algorithm, limit: 4 << 20)
    } throws: { error in
      (error as? RPCError)?.code == .resourceExhausted
        && (error as? RPCError)?.message
          == "decompressed message exceeds the limit of 4194304 bytes"
    }
  }

  @Test(
    "Decompression stops at the limit without reading the rest of the data",
    arguments: algorithms
  )
  func stopsAtLimit(algorithm: CompressionAlgorithm) throws {
    // The first tenth of a 100 MiB bomb inflates to ~10 MiB and then ends abruptly: inflating
    // it all would report truncated data, stopping at the 4 MiB limit reports the limit.
    let bomb = CompressedZeros.bomb(algorithm)
    let head = Array(bomb.prefix(bomb.count / 10))
    #expect {
      _ = try Self.decompress(head, algorithm, limit: 64 << 20)
    } throws: { error in
      (error as? RPCError)?.code == .internal
    }
    #expect {
      _ = try Self.decompress(head, algorithm, limit: 4 << 20)
    } throws: { error in
      (error as? RPCError)?.code == .resourceExhausted
    }
  }

  @Test("Corrupt data is INTERNAL and names the decode error", arguments: algorithms)
  func corrupt(algorithm: CompressionAlgorithm) throws {
    #expect {
      _ = try Self.decompress(Array("definitely not compressed".utf8), algorithm)
    } throws: { error in
      let error = error as? RPCError
      return error?.code == .internal
        && error?.message.hasPrefix("could not decompress the \(algorithm) message: ") == true
        && error?.message.contains("zlib error") == true
    }
  }

  @Test("Truncated data and trailing bytes are INTERNAL", arguments: algorithms)
  func truncatedAndTrailing(algorithm: CompressionAlgorithm) throws {
    let compressed = try Self.compress(Self.sample(count: 1000), algorithm)
    #expect {
      _ = try Self.decompress(Array(compressed.dropLast(3)), algorithm)
    } throws: { error in
      (error as? RPCError)?.code == .internal
        && (error as? RPCError)?.message.contains("truncated") == true
    }
    #expect {
      _ = try Self.decompress(compressed + [1, 2], algorithm)
    } throws: { error in
      (error as? RPCError)?.code == .internal
        && (error as? RPCError)?.message
          == "compressed message has 2 bytes after the end of its \(algorithm) data"
    }
  }

  @Test("A decompressor still works after a failed message", arguments: algorithms)
  func recoversAfterFailure(algorithm: CompressionAlgorithm) throws {
    let decompressor = try #require(MessageDecompressor(algorithm: algorithm))
    #expect(throws: RPCError.self) {
      _ = try Self.decompress([1, 2, 3, 4], algorithm, using: decompressor)
    }
    let input = Self.sample(count: 5000)
    #expect(
      try Self.decompress(try Self.compress(input, algorithm), algorithm, using: decompressor)
        == input
    )
  }

  @Test("identity and unknown encodings have no zlib codec")
  func identityHasNoCodec() {
    #expect(MessageCompressor(algorithm: .identity) == nil)
    #expect(MessageDecompressor(algorithm: .identity) == nil)
  }
}
