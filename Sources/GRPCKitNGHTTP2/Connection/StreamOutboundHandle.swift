import GRPCKit
import GRPCLocking
import NIOCore

/// The task-facing side of one stream's outbound messages: frames messages into buffers, posts
/// them to the connection's loop, and suspends the writer while too many bytes are unsent.
///
/// Bytes count as unsent from `write` until nghttp2 has taken them for a DATA frame; the loop
/// reports progress with ``didSend(total:)``.
final class StreamOutboundHandle: Sendable {
  private struct State {
    var posted = 0
    var sent = 0
    var closed: RPCError?
    var waiter: UnsafeContinuation<Void, any Error>?
  }

  let key: Int
  private let allocator: ByteBufferAllocator
  private let highWatermark: Int
  private let lowWatermark: Int
  private let state = Mutex(State())

  init(key: Int, allocator: ByteBufferAllocator, highWatermark: Int, lowWatermark: Int) {
    self.key = key
    self.allocator = allocator
    self.highWatermark = highWatermark
    self.lowWatermark = lowWatermark
  }

  /// Frames one message (compressed by `compressor`, if any), hands the buffer to `post` (which
  /// queues it for the loop and returns false if the connection is gone), and suspends while too
  /// many bytes are unsent.
  ///
  /// - Throws: ``RPCError`` when the stream or the connection has ended, or compression failed.
  func write(
    size: Int,
    compressor: OutboundMessageCompressor?,
    encode: (UnsafeMutableRawBufferPointer) -> Void,
    post: (ByteBuffer) -> Bool
  ) async throws(RPCError) {
    let buffer =
      if let compressor {
        try compressor.frame(size: size, allocator: self.allocator, encode: encode)
      } else {
        self.frame(size: size, encode: encode)
      }
    let mustWait = try self.reserve(buffer.readableBytes)
    guard post(buffer) else {
      throw RPCError(code: .unavailable, message: "the connection closed")
    }
    if mustWait { try await self.waitUntilWritable() }
  }

  /// Frames one uncompressed message (5-byte prefix + body) into a new buffer.
  private func frame(size: Int, encode: (UnsafeMutableRawBufferPointer) -> Void) -> ByteBuffer {
    var buffer = self.allocator.buffer(capacity: MessageFraming.prefixSize + size)
    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: MessageFraming.prefixSize + size) { raw in
      let raw = UnsafeMutableRawBufferPointer(rebasing: raw[0..<MessageFraming.prefixSize + size])
      MessageFraming.writePrefix(length: size, into: raw)
      encode(UnsafeMutableRawBufferPointer(rebasing: raw[MessageFraming.prefixSize...]))
      return raw.count
    }
    return buffer
  }

  /// Accounts for `bytes` about to be posted; throws if the stream is closed.
  /// - Returns: true if the writer must wait for ``waitUntilWritable()`` after posting.
  private func reserve(_ bytes: Int) throws(RPCError) -> Bool {
    try self.state.withLock { (state) throws(RPCError) -> Bool in
      if let closed = state.closed { throw closed }
      state.posted += bytes
      return state.posted - state.sent > self.highWatermark
    }
  }

  /// Suspends until the unsent bytes fall to the low watermark or the stream closes.
  private func waitUntilWritable() async throws(RPCError) {
    do {
      try await withTaskCancellationHandler {
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
          let outcome = self.state.withLock { state -> Result<Bool, RPCError> in
            if let closed = state.closed { return .failure(closed) }
            if state.posted - state.sent <= self.lowWatermark || Task.isCancelled { return .success(true) }
            state.waiter = continuation
            return .success(false)
          }
          switch outcome {
          case .success(true): continuation.resume()
          case .success(false): break
          case .failure(let error): continuation.resume(throwing: error)
          }
        }
      } onCancel: {
        let waiter = self.state.withLock { state in
          defer { state.waiter = nil }
          return state.waiter
        }
        waiter?.resume(throwing: RPCError(code: .cancelled, message: "the call was cancelled"))
      }
    } catch let error as RPCError {
      throw error
    } catch {
      throw RPCError(code: .cancelled, message: "the call was cancelled")
    }
  }

  /// Loop side: nghttp2 has taken `total` bytes of this stream so far.
  /// - Returns: true if unsent bytes are still above the low watermark.
  func didSend(total: Int) -> Bool {
    let (waiter, stillBlocked) = self.state.withLock { state -> (UnsafeContinuation<Void, any Error>?, Bool) in
      state.sent = total
      guard state.posted - state.sent <= self.lowWatermark else { return (nil, true) }
      defer { state.waiter = nil }
      return (state.waiter, false)
    }
    waiter?.resume()
    return stillBlocked
  }

  /// True if unsent bytes are above the high watermark (a writer is or will be waiting).
  var isAboveHighWatermark: Bool {
    self.state.withLock { $0.posted - $0.sent > self.highWatermark }
  }

  /// Ends the stream for writers: pending and later writes fail with `error`.
  func close(_ error: RPCError) {
    let waiter = self.state.withLock { state -> UnsafeContinuation<Void, any Error>? in
      if state.closed == nil { state.closed = error }
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume(throwing: error)
  }
}
