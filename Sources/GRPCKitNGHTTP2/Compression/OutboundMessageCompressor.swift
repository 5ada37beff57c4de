import GRPCKit
import NIOCore
import Synchronization

/// Frames compressed messages for one stream direction: serializes a message into a scratch
/// buffer, compresses it behind a prefix with the compressed flag set, and keeps both the zlib
/// state and the scratch buffer for the next message.
///
/// Used from the writing task; the lock only guards against two tasks writing to one stream.
final class OutboundMessageCompressor: Sendable {
  // @unchecked: the compressor (a zlib stream) is only used inside `state`'s lock, by one
  // writer at a time; the checker cannot see that the writer's `encode` closure never keeps it.
  private struct State: @unchecked Sendable {
    let compressor: MessageCompressor
    var scratch: [UInt8] = []
  }

  /// The encoding it produces.
  let algorithm: CompressionAlgorithm
  private let state: Mutex<State>
  /// Scratch buffers up to this size are kept for the next message.
  private static let retainedScratchSize = 64 << 10

  /// Creates a compressor; `nil` for `identity` or an encoding zlib does not implement.
  init?(algorithm: CompressionAlgorithm) {
    guard let compressor = MessageCompressor(algorithm: algorithm) else { return nil }
    self.algorithm = algorithm
    self.state = Mutex(State(compressor: compressor))
  }

  /// Serializes one message with `encode` and returns it compressed and framed (flag 1, length
  /// of the compressed bytes).
  ///
  /// - Throws: ``RPCError`` (`INTERNAL`) if compression fails.
  func frame(
    size: Int,
    allocator: ByteBufferAllocator,
    encode: (UnsafeMutableRawBufferPointer) -> Void
  ) throws(RPCError) -> ByteBuffer {
    try self.state.withLock { (state) throws(RPCError) -> ByteBuffer in
      if state.scratch.count < size { state.scratch = [UInt8](repeating: 0, count: size) }
      defer { if state.scratch.count > Self.retainedScratchSize { state.scratch = [] } }
      let compressor = state.compressor
      let result = state.scratch.withUnsafeMutableBytes { scratch in
        Result { () throws(RPCError) -> ByteBuffer in
          let message = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<size])
          encode(message)
          var buffer = allocator.buffer(capacity: MessageFraming.prefixSize + size / 2 + 64)
          buffer.moveWriterIndex(forwardBy: MessageFraming.prefixSize)
          let length = try compressor.compress(UnsafeRawBufferPointer(message), into: &buffer)
          buffer.withUnsafeMutableReadableBytes { raw in
            MessageFraming.writePrefix(length: length, compressed: true, into: raw)
          }
          return buffer
        }
      }
      return try result.get()
    }
  }
}
