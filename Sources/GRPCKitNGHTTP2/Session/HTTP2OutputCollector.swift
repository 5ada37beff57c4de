internal import NIOCore

/// Collects the bytes `nghttp2_session_mem_send` produces: copied bytes go into one growing buffer,
/// NO_COPY payload slices are appended as their own buffers, in wire order.
struct HTTP2OutputCollector {
  private var allocator = ByteBufferAllocator()
  private var current: ByteBuffer?
  private var buffers: [ByteBuffer] = []

  /// Starts collecting for one flush.
  mutating func start(allocator: ByteBufferAllocator) {
    self.allocator = allocator
    current = nil
    buffers = []
  }

  /// Copies `bytes` (a serialized frame or part of one).
  mutating func append(_ bytes: UnsafeRawBufferPointer) {
    if current == nil {
      current = allocator.buffer(capacity: max(bytes.count, 16 << 10))
    }
    current!.writeBytes(bytes)
  }

  /// Appends a payload slice without copying, after everything collected so far.
  mutating func append(slice: ByteBuffer) {
    if let pending = current.take() {
      buffers.append(pending)
    }
    buffers.append(slice)
  }

  /// Moves the collected buffers to `output`.
  mutating func finish(into output: inout [ByteBuffer]) {
    if let pending = current.take(), pending.readableBytes > 0 {
      buffers.append(pending)
    }
    output.append(contentsOf: buffers)
    buffers = []
  }
}
