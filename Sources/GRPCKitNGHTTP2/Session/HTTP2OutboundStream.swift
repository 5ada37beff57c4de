internal import DequeModule
internal import NIOCore

/// The outbound side of one stream: the bytes waiting for nghttp2's data provider and how the
/// stream ends.
struct HTTP2OutboundStream {
  /// What the data provider hands nghttp2 for one DATA frame.
  enum Chunk {
    /// Nothing to send yet: the provider defers until more is queued.
    case deferred
    /// `count` bytes were copied into nghttp2's buffer.
    case copied(count: Int, endOfData: Bool)
    /// This slice is sent by the send_data callback without copying.
    case noCopy(ByteBuffer, endOfData: Bool)
  }

  /// Slices at least this long are sent without copying (NGHTTP2_DATA_FLAG_NO_COPY).
  static let noCopyThreshold = 4096

  private var queue: Deque<ByteBuffer> = []
  private(set) var queuedBytes = 0
  /// No more data will be queued; the provider ends after the queue drains.
  private(set) var isEnded = false
  /// Sent after the data (server); `nil` ends the stream with END_STREAM on the last DATA frame.
  private(set) var trailers: [HTTP2HeaderField]?
  /// nghttp2 owns a data provider for this stream (response or request submitted with one).
  var hasProvider = false
  /// The provider returned NGHTTP2_ERR_DEFERRED and needs nghttp2_session_resume_data.
  var isDeferred = false

  /// Appends `bytes`.
  mutating func append(_ bytes: ByteBuffer) {
    guard bytes.readableBytes > 0 else { return }
    queue.append(bytes)
    queuedBytes += bytes.readableBytes
  }

  /// Marks the outbound side ended, with trailers (server) or without (END_STREAM on data).
  mutating func end(trailers: [HTTP2HeaderField]?) {
    isEnded = true
    self.trailers = trailers
  }

  /// Takes the next chunk of at most `length` bytes: copies small buffers (coalescing them) into
  /// `buffer`, or hands out a large slice for NO_COPY.
  mutating func nextChunk(into buffer: UnsafeMutableRawBufferPointer) -> Chunk {
    guard let first = queue.first else {
      return isEnded ? .copied(count: 0, endOfData: true) : .deferred
    }
    let length = buffer.count
    if min(first.readableBytes, length) >= Self.noCopyThreshold {
      let slice: ByteBuffer
      if first.readableBytes <= length {
        slice = queue.removeFirst()
      } else {
        slice = queue[0].readSlice(length: length)!
      }
      queuedBytes -= slice.readableBytes
      return .noCopy(slice, endOfData: isEnded && queue.isEmpty)
    }
    var written = 0
    while written < length, !queue.isEmpty {
      let available = queue[0].readableBytes
      if written > 0, available >= Self.noCopyThreshold {
        break  // leave a large buffer for its own NO_COPY frame
      }
      let count = min(available, length - written)
      queue[0].withUnsafeReadableBytes { source in
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[written ..< (written + count)])
        target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0 ..< count]))
      }
      written += count
      if count == available {
        queue.removeFirst()
      } else {
        queue[0].moveReaderIndex(forwardBy: count)
      }
    }
    queuedBytes -= written
    return .copied(count: written, endOfData: isEnded && queue.isEmpty)
  }
}
