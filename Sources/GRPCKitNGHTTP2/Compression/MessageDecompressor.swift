import CZlib
package import GRPCKit

/// Decompresses whole gRPC messages, one at a time, from gzip or deflate, never producing more
/// than a limit: a message that would inflate past it is rejected after at most `limit + 1`
/// output bytes, however small its compressed form (a "zip bomb").
///
/// It resets its zlib state between messages and keeps an output buffer of up to 64 KiB for
/// the next one. Not thread-safe: one user at a time.
// @unchecked: an instance is either idle in ``ZlibCodecPool`` (behind its lock) or borrowed by
// exactly one stream for one message; it is never used by two threads at once.
package final class MessageDecompressor: @unchecked Sendable {
  /// The encoding it reads.
  package let algorithm: CompressionAlgorithm
  private let stream: UnsafeMutablePointer<z_stream>
  private var buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
  /// Output buffers up to this size are kept for the next message; larger ones are freed.
  private static let retainedBufferSize = 64 << 10
  private static let minimumBufferSize = 4 << 10

  /// Creates a decompressor; `nil` for `identity` or an encoding zlib does not implement.
  ///
  /// - Parameter algorithm: `.gzip` or `.deflate`.
  package init?(algorithm: CompressionAlgorithm) {
    guard let windowBits = Zlib.windowBits(for: algorithm) else { return nil }
    let stream = Zlib.allocateStream()
    guard CZlib_inflateInit2(stream, windowBits) == Z_OK else {
      stream.deallocate()
      return nil
    }
    self.algorithm = algorithm
    self.stream = stream
  }

  deinit {
    inflateEnd(self.stream)
    self.stream.deallocate()
    self.buffer.deallocate()
  }

  /// Inflates one message, which must be exactly one complete gzip or zlib stream, and hands
  /// the result to `body`.
  ///
  /// - Parameters:
  ///   - input: The compressed message.
  ///   - limit: The largest decompressed size accepted.
  ///   - body: Gets the decompressed bytes, borrowed for the call only.
  /// - Returns: What `body` returns.
  /// - Throws: ``RPCError``: `RESOURCE_EXHAUSTED` when the message decompresses to more than
  ///   `limit` bytes, `INTERNAL` when it is not valid compressed data; rethrows `body`'s error.
  package func decompress<Result>(
    _ input: UnsafeRawBufferPointer,
    limit: Int,
    _ body: (UnsafeRawBufferPointer) throws(RPCError) -> Result
  ) throws(RPCError) -> Result {
    defer {
      inflateReset(self.stream)
      if self.buffer.count > Self.retainedBufferSize {
        self.buffer.deallocate()
        self.buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
      }
    }
    let produced = try self.inflate(input, limit: limit)
    return try body(UnsafeRawBufferPointer(rebasing: self.buffer[0 ..< produced]))
  }

  /// Inflates `input` into `buffer`, growing it up to `limit + 1` bytes.
  /// - Returns: the number of bytes produced.
  private func inflate(_ input: UnsafeRawBufferPointer, limit: Int) throws(RPCError) -> Int {
    guard input.count <= Int(UInt32.max) else {
      throw RPCError(
        code: .resourceExhausted,
        message: "compressed message is \(input.count) bytes; limit \(UInt32.max)"
      )
    }
    let stream = self.stream
    defer {
      stream.pointee.next_in = nil
      stream.pointee.next_out = nil
    }
    stream.pointee.next_in = input.baseAddress.map {
      UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self))
    }
    stream.pointee.avail_in = UInt32(input.count)
    // Never let zlib write more than limit + 1 bytes: one byte past the limit proves it is exceeded.
    let cap = limit < Int.max ? limit + 1 : limit
    var produced = 0
    while true {
      if produced == self.buffer.count {
        guard produced < cap else { throw Self.overLimit(limit) }
        self.grow(toward: max(input.count * 4, self.buffer.count * 2), cap: cap, keeping: produced)
      }
      let room = self.buffer.count - produced
      stream.pointee.next_out = (self.buffer.baseAddress! + produced).assumingMemoryBound(
        to: Bytef.self
      )
      stream.pointee.avail_out = UInt32(clamping: room)
      let code = CZlib.inflate(stream, Z_NO_FLUSH)
      produced += room - Int(stream.pointee.avail_out)
      switch code {
      case Z_STREAM_END:
        guard produced <= limit else { throw Self.overLimit(limit) }
        let trailing = Int(stream.pointee.avail_in)
        guard trailing == 0 else {
          throw RPCError(
            code: .internal,
            message:
              "compressed message has \(trailing) bytes after the end of its \(self.algorithm) data"
          )
        }
        return produced
      case Z_OK, Z_BUF_ERROR:
        if stream.pointee.avail_out == 0 { continue }  // output full: grow and go on
        throw RPCError(
          code: .internal,
          message: "compressed message is truncated: its \(self.algorithm) data does not end"
        )
      default:
        throw RPCError(
          code: .internal,
          message:
            "could not decompress the \(self.algorithm) message: \(Zlib.describe(code, stream))"
        )
      }
    }
  }

  /// Replaces `buffer` with a larger one (at least 4 KiB, at most `cap`), keeping the first
  /// `count` bytes.
  private func grow(toward size: Int, cap: Int, keeping count: Int) {
    let newSize = min(max(size, Self.minimumBufferSize), cap)
    let newBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: newSize, alignment: 1)
    if count > 0 {
      newBuffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: self.buffer[0 ..< count]))
    }
    self.buffer.deallocate()
    self.buffer = newBuffer
  }

  private static func overLimit(_ limit: Int) -> RPCError {
    RPCError(
      code: .resourceExhausted,
      message: "decompressed message exceeds the limit of \(limit) bytes"
    )
  }
}
