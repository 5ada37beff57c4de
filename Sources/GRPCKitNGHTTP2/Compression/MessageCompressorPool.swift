import GRPCKit
import Synchronization

/// Idle compressors shared by all streams of the process. A deflate state takes about 256 KiB,
/// too much to keep per stream when thousands of streams are open: a writer borrows one for
/// each message instead (as grpc-go pools its gzip writers).
final class MessageCompressorPool: Sendable {
  /// The pool every stream uses.
  static let shared = MessageCompressorPool(idleLimit: 16)

  private let idleLimit: Int
  private let idle = Mutex<[CompressionAlgorithm: [MessageCompressor]]>([:])

  /// - Parameter idleLimit: How many idle compressors of each algorithm are kept.
  init(idleLimit: Int) {
    self.idleLimit = idleLimit
  }

  /// Runs `body` with a compressor for `algorithm` (an idle one, or a new one) and keeps it
  /// for later use afterwards.
  ///
  /// - Returns: `nil` if `algorithm` has no compressor (identity, unknown), else what `body`
  ///   returns.
  func withCompressor<Result>(
    _ algorithm: CompressionAlgorithm,
    _ body: (MessageCompressor) throws(RPCError) -> Result
  ) throws(RPCError) -> Result? {
    let reused = self.idle.withLock { $0[algorithm]?.popLast() }
    guard let compressor = reused ?? MessageCompressor(algorithm: algorithm) else { return nil }
    defer {
      self.idle.withLock { idle in
        if idle[algorithm, default: []].count < self.idleLimit { idle[algorithm, default: []].append(compressor) }
      }
    }
    return try body(compressor)
  }
}
