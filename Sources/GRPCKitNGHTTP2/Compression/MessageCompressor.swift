import CZlib
package import GRPCKit
package import NIOCore

/// Compresses whole gRPC messages, one at a time, with gzip or deflate, resetting its zlib
/// state between messages so that one instance serves any number of them.
///
/// Not thread-safe: one user at a time.
// @unchecked: an instance is either idle in ``ZlibCodecPool`` (behind its lock) or
// borrowed by exactly one writer for one message; it is never used by two threads at once.
package final class MessageCompressor: @unchecked Sendable {
  /// The encoding it produces.
  package let algorithm: CompressionAlgorithm
  private let stream: UnsafeMutablePointer<z_stream>

  /// Creates a compressor; `nil` for `identity` or an encoding zlib does not implement.
  ///
  /// - Parameter algorithm: `.gzip` or `.deflate`.
  package init?(algorithm: CompressionAlgorithm) {
    guard let windowBits = Zlib.windowBits(for: algorithm) else { return nil }
    let stream = Zlib.allocateStream()
    guard CZlib_deflateInit2(stream, Z_DEFAULT_COMPRESSION, windowBits, Z_DEFAULT_STRATEGY) == Z_OK else {
      stream.deallocate()
      return nil
    }
    self.algorithm = algorithm
    self.stream = stream
  }

  deinit {
    deflateEnd(self.stream)
    self.stream.deallocate()
  }

  /// Compresses `input` as one complete gzip or zlib stream and appends it to `output`.
  ///
  /// - Parameters:
  ///   - input: The serialized message.
  ///   - output: Where the compressed bytes are appended.
  /// - Returns: The number of bytes appended.
  /// - Throws: ``RPCError`` (`INTERNAL`) if zlib fails.
  @discardableResult
  package func compress(
    _ input: UnsafeRawBufferPointer,
    into output: inout ByteBuffer
  ) throws(RPCError) -> Int {
    guard input.count <= Int(UInt32.max) else {
      throw RPCError(
        code: .internal,
        message: "message is \(input.count) bytes; limit \(UInt32.max) for compression"
      )
    }
    defer { deflateReset(self.stream) }
    let bound = Int(deflateBound(self.stream, UInt(input.count)))
    let stream = self.stream
    var code = Z_OK
    let written = output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out -> Int in
      stream.pointee.next_in = input.baseAddress.map {
        UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self))
      }
      stream.pointee.avail_in = UInt32(input.count)
      stream.pointee.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
      stream.pointee.avail_out = UInt32(clamping: out.count)
      // deflateBound guarantees room for the whole stream, so one Z_FINISH call ends it.
      code = deflate(stream, Z_FINISH)
      stream.pointee.next_in = nil
      stream.pointee.next_out = nil
      return code == Z_STREAM_END ? out.count - Int(stream.pointee.avail_out) : 0
    }
    guard code == Z_STREAM_END else {
      throw RPCError(
        code: .internal,
        message:
          "could not compress the message with \(self.algorithm): \(Zlib.describe(code, stream))"
      )
    }
    return written
  }
}
