internal import CNGHTTP2
package import NIOCore

/// The owner of one `nghttp2_session`: a sans-I/O HTTP/2 connection (bytes in, events and bytes
/// out).
///
/// One per connection, confined to its event loop (not `Sendable`). nghttp2 callbacks find this
/// object through `user_data`, record an ``HTTP2SessionEvent`` and return; the owner acts on the
/// events after ``receive(_:)`` or ``flushOutput(into:allocator:)`` returns. Submit and enqueue
/// calls only queue: nothing is written until ``flushOutput(into:allocator:)``.
///
/// ```swift
/// let session = try NGHTTP2Session(role: .server, settings: HTTP2SessionSettings())
/// for event in try session.receive(bytesFromSocket) { handle(event) }
/// var output: [ByteBuffer] = []
/// let sendEvents = session.flushOutput(into: &output, allocator: allocator)
/// ```
package final class NGHTTP2Session {
  /// Which end of the connection this session is.
  package enum Role: Sendable, Hashable {
    case server
    case client
  }

  let role: Role
  let settings: HTTP2SessionSettings
  /// Set once in `init`; `nghttp2_session_del` in `deinit`.
  var session: OpaquePointer?
  /// Events recorded by callbacks since the last `receive` or `flushOutput` returned.
  var events: [HTTP2SessionEvent] = []
  /// Streams the owner knows: opened by the peer's request headers or by `submitRequest`.
  var openStreams: Set<Int32> = []
  var outbound: [Int32: HTTP2OutboundStream] = [:]
  /// The header block being received (nghttp2 delivers one block at a time).
  var headerBlock = HTTP2HeaderBlock()
  /// The buffer given to `receive` while `mem_recv` runs, and the address of its readable bytes.
  var input: ByteBuffer?
  var inputBase: UnsafeRawPointer?
  /// Output collected while `mem_send` runs.
  var output = HTTP2OutputCollector()
  /// A NO_COPY slice taken by the data provider, written by the send_data callback.
  var noCopySlice: ByteBuffer?
  /// The PING to queue once the shutdown notice has been sent.
  var pingAfterGoAway: UInt64?
  /// Set when a HEADERS or DATA frame went out; see ``takeSentHeadersOrData()``.
  var sentHeadersOrData = false
  /// Set when `mem_send` failed; the session can no longer be used.
  package private(set) var sendFailure: HTTP2SessionError?

  /// Creates a server or client session and queues its SETTINGS and connection WINDOW_UPDATE.
  ///
  /// - Parameters:
  ///   - role: server (expects the client preface) or client (sends it).
  ///   - settings: what to advertise and enforce.
  /// - Throws: ``HTTP2SessionError`` when nghttp2 cannot create the session.
  package init(
    role: Role,
    settings: HTTP2SessionSettings
  ) throws(HTTP2SessionError) {
    self.role = role
    self.settings = settings

    var callbacks: OpaquePointer?
    try HTTP2SessionError.check(nghttp2_session_callbacks_new(&callbacks), "create callbacks")
    defer { nghttp2_session_callbacks_del(callbacks) }
    Self.installCallbacks(callbacks)

    var option: OpaquePointer?
    try HTTP2SessionError.check(nghttp2_option_new(&option), "create options")
    defer { nghttp2_option_del(option) }
    nghttp2_option_set_no_auto_window_update(option, 1)
    nghttp2_option_set_stream_reset_rate_limit(
      option,
      settings.resetStreamBurst,
      settings.resetStreamRate
    )
    nghttp2_option_set_max_send_header_block_length(option, 64 << 10)

    let userData = Unmanaged.passUnretained(self).toOpaque()
    let created: Int32
    switch role {
    case .server: created = nghttp2_session_server_new2(&session, callbacks, userData, option)
    case .client: created = nghttp2_session_client_new2(&session, callbacks, userData, option)
    }
    try HTTP2SessionError.check(created, "create session")
    try submitInitialSettings()
  }

  deinit {
    nghttp2_session_del(session)
  }

  /// Finds the session that owns a callback from its `user_data`.
  static func owner(_ userData: UnsafeMutableRawPointer?) -> NGHTTP2Session {
    Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
  }

  private func submitInitialSettings() throws(HTTP2SessionError) {
    var entries: [nghttp2_settings_entry] = []
    func add(_ id: nghttp2_settings_id, _ value: UInt32) {
      entries.append(nghttp2_settings_entry(settings_id: Int32(id.rawValue), value: value))
    }
    switch role {
    case .server: add(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, settings.maxConcurrentStreams)
    case .client: add(NGHTTP2_SETTINGS_ENABLE_PUSH, 0)
    }
    add(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, settings.initialStreamWindowSize)
    add(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, settings.maxHeaderListSize)
    if settings.maxFrameSize != 16384 {
      add(NGHTTP2_SETTINGS_MAX_FRAME_SIZE, settings.maxFrameSize)
    }
    try HTTP2SessionError.check(
      nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries, entries.count),
      "submit SETTINGS"
    )
    if settings.connectionWindowSize > 65535 {
      try HTTP2SessionError.check(
        nghttp2_session_set_local_window_size(
          session,
          UInt8(NGHTTP2_FLAG_NONE.rawValue),
          0,
          settings.connectionWindowSize
        ),
        "set connection window size"
      )
    }
  }

  /// Feeds bytes read from the socket to nghttp2 and returns the events they caused, in order.
  ///
  /// - Parameter bytes: the bytes read; DATA events are slices of this buffer.
  /// - Returns: the events, in the order nghttp2 reported them.
  /// - Throws: ``HTTP2SessionError`` on a connection error (bad preface, flood, protocol error).
  ///   nghttp2 has then queued a GOAWAY: flush the output and close the connection.
  package func receive(_ bytes: ByteBuffer) throws(HTTP2SessionError) -> [HTTP2SessionEvent] {
    var failure: Int = 0
    bytes.withUnsafeReadableBytes { raw in
      guard let base = raw.baseAddress else { return }
      input = bytes
      inputBase = base
      defer {
        input = nil
        inputBase = nil
      }
      var offset = 0
      while offset < raw.count {
        let read = nghttp2_session_mem_recv(
          session,
          base.assumingMemoryBound(to: UInt8.self) + offset,
          raw.count - offset
        )
        if read <= 0 {
          failure = read
          return
        }
        offset += read
      }
    }
    if failure < 0 {
      events.removeAll()
      // Queues a GOAWAY unless nghttp2 already did (then this is a no-op error).
      let errorCode: nghttp2_error_code
      switch Int32(failure) {
      case NGHTTP2_ERR_FLOODED.rawValue: errorCode = NGHTTP2_ENHANCE_YOUR_CALM
      case NGHTTP2_ERR_BAD_CLIENT_MAGIC.rawValue: errorCode = NGHTTP2_PROTOCOL_ERROR
      default: errorCode = NGHTTP2_INTERNAL_ERROR
      }
      _ = nghttp2_session_terminate_session(session, errorCode.rawValue)
      throw HTTP2SessionError(code: Int32(failure), operation: "receive")
    }
    return takeEvents()
  }

  /// Serializes everything nghttp2 has to send and appends it to `output` in wire order.
  ///
  /// Small DATA payloads are copied (and coalesced) into nghttp2's frames; slices of 4096 bytes or
  /// more are appended as their own buffers behind their frame header, without copying.
  ///
  /// - Parameters:
  ///   - output: receives the bytes to write, in order.
  ///   - allocator: allocates the buffers for copied bytes.
  /// - Returns: events caused by sending (stream closes, outbound writability).
  package func flushOutput(
    into output: inout [ByteBuffer],
    allocator: ByteBufferAllocator
  ) -> [HTTP2SessionEvent] {
    guard sendFailure == nil else { return takeEvents() }
    self.output.start(allocator: allocator)
    while true {
      var data: UnsafePointer<UInt8>?
      let count = nghttp2_session_mem_send(session, &data)
      if count < 0 {
        sendFailure = HTTP2SessionError(code: Int32(count), operation: "send")
        break
      }
      guard count > 0, let data else { break }
      self.output.append(UnsafeRawBufferPointer(start: data, count: count))
    }
    self.output.finish(into: &output)
    return takeEvents()
  }

  /// nghttp2 wants to read more (false once the connection is finished or failed).
  package var wantsRead: Bool {
    sendFailure == nil && nghttp2_session_want_read(session) != 0
  }

  /// nghttp2 has something to write.
  package var wantsWrite: Bool {
    sendFailure == nil && nghttp2_session_want_write(session) != 0
  }

  /// Streams that are open (opened by the peer or by ``submitRequest(headers:)`` and not closed).
  package var hasOpenStreams: Bool {
    !openStreams.isEmpty
  }

  /// True if a HEADERS or DATA frame was sent since the last call (ping policing forgives a
  /// client's pings once the server has sent something on a stream).
  package func takeSentHeadersOrData() -> Bool {
    defer { sentHeadersOrData = false }
    return sentHeadersOrData
  }

  /// The highest stream id the peer opened that was passed to the owner (0 if none).
  package var lastProcessedStreamID: Int32 {
    nghttp2_session_get_last_proc_stream_id(session)
  }

  private func takeEvents() -> [HTTP2SessionEvent] {
    let taken = events
    events = []
    return taken
  }
}
