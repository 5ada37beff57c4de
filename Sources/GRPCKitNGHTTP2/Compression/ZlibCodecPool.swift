import GRPCKit
import GRPCLocking

/// Idle zlib compressors or decompressors, shared by all streams of the process.
///
/// A deflate state takes about 256 KiB and an inflate state about 40 KiB (plus the output
/// buffer a decompressor keeps), too much to hold per stream when thousands of long-lived
/// streams are open: a stream borrows one for each message instead, so memory follows the
/// messages being compressed at the moment, not the streams (grpc-go pools its gzip readers
/// and writers the same way).
final class ZlibCodecPool<Codec: AnyObject & Sendable>: Sendable {
  private let idleLimit: Int
  private let make: @Sendable (CompressionAlgorithm) -> Codec?
  private let idle = Mutex<[CompressionAlgorithm: [Codec]]>([:])

  /// - Parameters:
  ///   - idleLimit: How many idle codecs of each algorithm are kept.
  ///   - make: Creates a codec; `nil` for an algorithm without one.
  init(idleLimit: Int, make: @escaping @Sendable (CompressionAlgorithm) -> Codec?) {
    self.idleLimit = idleLimit
    self.make = make
  }

  /// Runs `body` with a codec for `algorithm` (an idle one, or a new one) and keeps the codec
  /// for later use afterwards.
  ///
  /// - Returns: `nil` if `algorithm` has no codec (identity, unknown), else what `body` returns.
  /// - Throws: What `body` throws.
  func withCodec<Result>(
    _ algorithm: CompressionAlgorithm,
    _ body: (Codec) throws(RPCError) -> Result
  ) throws(RPCError) -> Result? {
    let reused = self.idle.withLock { $0[algorithm]?.popLast() }
    guard let codec = reused ?? self.make(algorithm) else { return nil }
    defer {
      self.idle.withLock { idle in
        if idle[algorithm, default: []].count < self.idleLimit {
          idle[algorithm, default: []].append(codec)
        }
      }
    }
    return try body(codec)
  }
}

extension ZlibCodecPool where Codec == MessageCompressor {
  /// The compressors every stream borrows from.
  static let compressors = ZlibCodecPool(idleLimit: 16) { MessageCompressor(algorithm: $0) }
}

extension ZlibCodecPool where Codec == MessageDecompressor {
  /// The decompressors every stream borrows from.
  static let decompressors = ZlibCodecPool(idleLimit: 16) { MessageDecompressor(algorithm: $0) }
}
