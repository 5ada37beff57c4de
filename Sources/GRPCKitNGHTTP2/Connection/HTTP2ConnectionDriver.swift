import NIOCore

/// The session-facing cycle of one HTTP/2 connection, shared by ``ServerConnectionHandler`` and
/// ``ClientConnectionHandler``: bytes read go to the ``NGHTTP2Session`` and come back as events;
/// everything queued while a read cycle runs goes out with one flush when it ends; writers above
/// their high watermark are told how much nghttp2 has taken after every flush.
///
/// It knows no channel: the owner hands it the bytes it read, a sink for the bytes to write and a
/// way to look up a stream's writer, and performs the events it returns. So the input fuzz
/// targets drive it in memory exactly as the handlers drive it on a socket. Confined to the
/// connection's event loop, like the session it owns.
///
/// ```swift
/// let driver = try HTTP2ConnectionDriver<Int32>(role: .server, settings: settings)
/// // channelRead: events now, output held until the read cycle ends
/// for event in try driver.receive(bytes) { handle(event) }
/// // channelReadComplete
/// driver.endReadCycle()
/// let outcome = driver.flush(into: context, handle: { handle($0) }, writer: { writer(of: $0) })
/// if outcome == .finished { context.close(promise: nil) }
/// ```
final class HTTP2ConnectionDriver<StreamKey: Hashable> {
  /// What ``flush(allocator:write:flush:handle:writer:)`` did.
  enum FlushOutcome: Hashable {
    /// Nothing: a read cycle is running, and its end flushes once for all of it.
    case deferred
    /// Flushed; the connection goes on.
    case open
    /// Flushed, and the connection is done: the session wants neither to read nor to write, or
    /// ``closeRequested`` is set and nothing is left to write. The owner closes it.
    case finished
  }

  /// Where a blocked writer's stream stands, as the owner knows it.
  struct Writer {
    /// The stream's HTTP/2 id.
    let streamID: Int32
    /// Message bytes handed to the session on this stream so far.
    let enqueuedBytes: Int
    /// The task-side handle of the stream's writer.
    let outbound: StreamOutboundHandle
  }

  /// The connection's nghttp2 session; the owner submits frames to it directly.
  let session: NGHTTP2Session
  /// True between the first ``receive(_:)`` of a read and ``endReadCycle()``: flushes wait.
  private(set) var inReadCycle = false
  /// The owner decided to close once everything queued has been written (the server's graceful
  /// close): the next flush that leaves nothing to write reports ``FlushOutcome/finished``.
  var closeRequested = false
  /// Streams whose writer is above its high watermark, until it falls to the low one.
  private var blockedWriters: Set<StreamKey> = []

  /// Creates the connection's session.
  ///
  /// - Parameters:
  ///   - role: The end of the connection this is.
  ///   - settings: What the session advertises and enforces.
  /// - Throws: ``HTTP2SessionError`` when nghttp2 cannot create the session.
  init(role: NGHTTP2Session.Role, settings: HTTP2SessionSettings) throws(HTTP2SessionError) {
    self.session = try NGHTTP2Session(role: role, settings: settings)
  }

  /// Feeds bytes read from the peer to the session and starts (or continues) a read cycle.
  ///
  /// - Parameter bytes: The bytes read.
  /// - Returns: The events they caused, in order, for the owner to perform.
  /// - Throws: ``HTTP2SessionError`` on a connection error; the read cycle is then over, and
  ///   nghttp2 has queued a GOAWAY: flush it, then close.
  func receive(_ bytes: ByteBuffer) throws(HTTP2SessionError) -> [HTTP2SessionEvent] {
    self.inReadCycle = true
    do {
      return try self.session.receive(bytes)
    } catch {
      self.inReadCycle = false
      throw error
    }
  }

  /// Ends the read cycle: the next flush writes. The owner drains the work its tasks posted
  /// first, so that it goes out with the same flush.
  func endReadCycle() {
    self.inReadCycle = false
  }

  /// Re-checks `key`'s writer after every flush until it falls to its low watermark.
  func watchBlockedWriter(_ key: StreamKey) {
    self.blockedWriters.insert(key)
  }

  /// Writes everything the session has queued with one flush, unless a read cycle is running.
  ///
  /// - Parameters:
  ///   - allocator: Allocates the output buffers.
  ///   - write: Takes each output buffer, in order.
  ///   - flush: Called once after the writes, if there were any.
  ///   - handle: Performs each event that sending caused (streams closed by their last frame).
  ///   - writer: The writer of a watched stream; `nil` once the stream is gone.
  /// - Returns: Whether it flushed, and whether the connection is done.
  func flush(
    allocator: ByteBufferAllocator,
    write: (ByteBuffer) -> Void,
    flush: () -> Void,
    handle: (HTTP2SessionEvent) -> Void,
    writer: (StreamKey) -> Writer?
  ) -> FlushOutcome {
    guard !self.inReadCycle else { return .deferred }
    var output: [ByteBuffer] = []
    let events = self.session.flushOutput(into: &output, allocator: allocator)
    if !output.isEmpty {
      for buffer in output { write(buffer) }
      flush()
    }
    for event in events { handle(event) }
    self.updateBlockedWriters(writer)
    let wantsWrite = self.session.wantsWrite
    let done = (!self.session.wantsRead && !wantsWrite) || (self.closeRequested && !wantsWrite)
    return done ? .finished : .open
  }

  /// ``flush(allocator:write:flush:handle:writer:)`` into a channel: every buffer written through
  /// `context`, then one `context.flush()`.
  func flush(
    into context: ChannelHandlerContext,
    handle: (HTTP2SessionEvent) -> Void,
    writer: (StreamKey) -> Writer?
  ) -> FlushOutcome {
    self.flush(
      allocator: context.channel.allocator,
      write: { context.write(NIOAny($0), promise: nil) },
      flush: { context.flush() },
      handle: handle,
      writer: writer)
  }

  /// Tells each watched writer how many of its bytes nghttp2 has taken; forgets the streams that
  /// are gone and the writers that fell to their low watermark.
  private func updateBlockedWriters(_ writer: (StreamKey) -> Writer?) {
    guard !self.blockedWriters.isEmpty else { return }
    for key in self.blockedWriters {
      guard let stream = writer(key) else {
        self.blockedWriters.remove(key)
        continue
      }
      let sent = stream.enqueuedBytes - self.session.queuedOutboundBytes(streamID: stream.streamID)
      if !stream.outbound.didSend(total: sent) { self.blockedWriters.remove(key) }
    }
  }
}
