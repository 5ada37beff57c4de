import GRPCKit
import NIOCore

/// Frames compressed messages for one stream direction: serializes a message into a scratch
/// buffer and compresses it, with a compressor borrowed from ``ZlibCodecPool``, behind
/// a prefix with the compressed flag set.
struct OutboundMessageCompressor: Sendable {
  /// The encoding it produces.
  let algorithm: CompressionAlgorithm

  /// Creates a compressor; `nil` for `identity` or an encoding zlib does not implement.
  init?(algorithm: CompressionAlgorithm) {
    guard Zlib.windowBits(for: algorithm) != nil else { return nil }
    self.algorithm = algorithm
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
    let message = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
    defer { message.deallocate() }
    encode(message)
    var buffer = allocator.buffer(capacity: MessageFraming.prefixSize + size / 2 + 64)
    buffer.moveWriterIndex(forwardBy: MessageFraming.prefixSize)
    let length = try ZlibCodecPool.compressors.withCodec(self.algorithm) {
      (compressor) throws(RPCError) in
      try compressor.compress(UnsafeRawBufferPointer(message), into: &buffer)
    }
    guard let length else {
      throw RPCError(code: .internal, message: "could not create a \(self.algorithm) compressor")
    }
    buffer.withUnsafeMutableReadableBytes { raw in
      MessageFraming.writePrefix(length: length, compressed: true, into: raw)
    }
    return buffer
  }
}
