internal import CNGHTTP2
internal import NIOCore

// The nghttp2 callbacks: non-capturing closures that find the owner through `user_data`, record
// an event and return.
extension NGHTTP2Session {
  static func installCallbacks(_ callbacks: OpaquePointer?) {
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
      NGHTTP2Session.owner(userData).didBeginHeaders(frame!.pointee)
    }
    nghttp2_session_callbacks_set_on_header_callback(callbacks) {
      _,
      frame,
      name,
      nameLength,
      value,
      valueLength,
      _,
      userData in
      NGHTTP2Session.owner(userData).didReceiveHeader(
        frame!.pointee,
        name: UnsafeBufferPointer(start: name, count: nameLength),
        value: UnsafeBufferPointer(start: value, count: valueLength)
      )
    }
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
      NGHTTP2Session.owner(userData).didReceiveFrame(frame!.pointee)
    }
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) {
      _,
      _,
      streamID,
      data,
      length,
      userData in
      NGHTTP2Session.owner(userData).didReceiveData(streamID: streamID, data: data, length: length)
    }
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) {
      _,
      streamID,
      errorCode,
      userData in
      NGHTTP2Session.owner(userData).didCloseStream(streamID, errorCode: HTTP2ErrorCode(rawValue: errorCode))
    }
    nghttp2_session_callbacks_set_on_frame_send_callback(callbacks) { _, frame, userData in
      NGHTTP2Session.owner(userData).didSend(frame!.pointee)
    }
    nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks) {
      _,
      frame,
      _,
      userData in
      NGHTTP2Session.owner(userData).didNotSend(frame!.pointee)
    }
    nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks) {
      _,
      frame,
      libraryError,
      userData in
      NGHTTP2Session.owner(userData).didReceiveInvalidFrame(
        frame!.pointee, libraryError: libraryError)
    }
    nghttp2_session_callbacks_set_send_data_callback(callbacks) {
      _,
      frame,
      frameHeader,
      length,
      _,
      userData in
      NGHTTP2Session.owner(userData).sendData(
        frame!.pointee,
        frameHeader: frameHeader!,
        length: length
      )
    }
  }

  private func didBeginHeaders(_ frame: nghttp2_frame) -> Int32 {
    let streamID = frame.hd.stream_id
    headerBlock.begin(streamID: streamID)
    if role == .server, frame.headers.cat == NGHTTP2_HCAT_REQUEST {
      openStreams.insert(streamID)
      outbound[streamID] = HTTP2OutboundStream()
    }
    return 0
  }

  private func didReceiveHeader(
    _ frame: nghttp2_frame,
    name: UnsafeBufferPointer<UInt8>,
    value: UnsafeBufferPointer<UInt8>
  ) -> Int32 {
    guard frame.hd.stream_id == headerBlock.streamID else { return 0 }
    if headerBlock.append(name: name, value: value, limit: Int(settings.maxHeaderListSize)) {
      return 0
    }
    // Too large. A server keeps the stream and counts the rest of the block, so that its owner
    // can answer with a status naming the size (`.headerListTooLarge`); a client lets nghttp2
    // reset the stream (INTERNAL_ERROR) and skip the rest of the block.
    if role == .server { return 0 }
    headerBlock.begin(streamID: 0)
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue
  }

  private func didReceiveFrame(_ frame: nghttp2_frame) -> Int32 {
    let streamID = frame.hd.stream_id
    let endStream = frame.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
    switch Int(frame.hd.type) {
    case Int(NGHTTP2_HEADERS.rawValue):
      guard streamID == headerBlock.streamID else { return 0 }
      if headerBlock.isOversized {
        events.append(.headerListTooLarge(streamID: streamID, size: headerBlock.size))
        headerBlock.begin(streamID: 0)
        return 0
      }
      events.append(
        .headers(
          streamID: streamID,
          fields: headerBlock.finish(),
          isTrailers: frame.headers.cat == NGHTTP2_HCAT_HEADERS,
          endStream: endStream
        )
      )
    case Int(NGHTTP2_DATA.rawValue):
      if endStream {
        events.append(.endOfStream(streamID: streamID))
      }
    case Int(NGHTTP2_GOAWAY.rawValue):
      let goAway = frame.goaway
      let debugData = UnsafeBufferPointer(start: goAway.opaque_data, count: goAway.opaque_data_len)
      events.append(
        .goAway(
          lastStreamID: goAway.last_stream_id,
          errorCode: HTTP2ErrorCode(rawValue: goAway.error_code),
          debugData: String(decoding: debugData, as: UTF8.self)
        )
      )
    case Int(NGHTTP2_PING.rawValue):
      let bytes = frame.ping.opaque_data
      let data = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5, bytes.6, bytes.7]
        .reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
      let ack = frame.hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0
      events.append(.ping(data: data, ack: ack))
    default:
      break
    }
    return 0
  }

  private func didReceiveData(
    streamID: Int32,
    data: UnsafePointer<UInt8>?,
    length: Int
  ) -> Int32 {
    guard let data, length > 0 else { return 0 }
    events.append(.data(streamID: streamID, bytes: inputSlice(data, length: length)))
    return 0
  }

  /// The bytes at `data` as a slice of the buffer being received (nghttp2 points into it), or a
  /// copy if they are somewhere else.
  private func inputSlice(_ data: UnsafePointer<UInt8>, length: Int) -> ByteBuffer {
    if let input, let inputBase {
      let offset = UnsafeRawPointer(data) - inputBase
      if offset >= 0, offset + length <= input.readableBytes,
        let slice = input.getSlice(at: input.readerIndex + offset, length: length)
      {
        return slice
      }
    }
    return ByteBuffer(bytes: UnsafeRawBufferPointer(start: data, count: length))
  }

  /// nghttp2 answered a frame it rejected itself; a server reports the request streams it
  /// refused over SETTINGS_MAX_CONCURRENT_STREAMS: with RST_STREAM `REFUSED_STREAM` (before the
  /// client acknowledged the setting), or with a connection error (after).
  private func didReceiveInvalidFrame(_ frame: nghttp2_frame, libraryError: Int32) -> Int32 {
    guard role == .server, Int(frame.hd.type) == Int(NGHTTP2_HEADERS.rawValue) else { return 0 }
    if libraryError == NGHTTP2_ERR_REFUSED_STREAM.rawValue {
      events.append(.streamRefused(streamID: frame.hd.stream_id, closesConnection: false))
    } else if frame.headers.cat == NGHTTP2_HCAT_REQUEST,
      openStreams.count >= Int(settings.maxConcurrentStreams)
    {
      events.append(.streamRefused(streamID: frame.hd.stream_id, closesConnection: true))
    }
    return 0
  }

  private func didCloseStream(_ streamID: Int32, errorCode: HTTP2ErrorCode) -> Int32 {
    outbound[streamID] = nil
    openStreams.remove(streamID)
    events.append(.streamClosed(streamID: streamID, errorCode: errorCode))
    return 0
  }

  /// A server that ended its response while the client is still sending asks the client to stop
  /// with RST_STREAM(NO_ERROR) (RFC 9113 section 8.1), which also frees the stream at once.
  private func didSend(_ frame: nghttp2_frame) -> Int32 {
    let streamID = frame.hd.stream_id
    if Int(frame.hd.type) == Int(NGHTTP2_HEADERS.rawValue) || Int(frame.hd.type) == Int(NGHTTP2_DATA.rawValue) {
      sentHeadersOrData = true
    }
    if Int(frame.hd.type) == Int(NGHTTP2_GOAWAY.rawValue), let ping = pingAfterGoAway {
      pingAfterGoAway = nil
      submitPing(data: ping)
    }
    guard role == .server, streamID != 0,
      frame.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0,
      Int(frame.hd.type) == Int(NGHTTP2_HEADERS.rawValue)
        || Int(frame.hd.type) == Int(NGHTTP2_DATA.rawValue),
      nghttp2_session_get_stream_remote_close(session, streamID) == 0
    else { return 0 }
    _ = nghttp2_submit_rst_stream(
      session,
      UInt8(NGHTTP2_FLAG_NONE.rawValue),
      streamID,
      NGHTTP2_NO_ERROR.rawValue
    )
    return 0
  }

  /// A request HEADERS that never went out (GOAWAY, session closing) opens no nghttp2 stream, so
  /// no stream-close callback follows: report the stream as refused.
  private func didNotSend(_ frame: nghttp2_frame) -> Int32 {
    let streamID = frame.hd.stream_id
    guard Int(frame.hd.type) == Int(NGHTTP2_HEADERS.rawValue),
      frame.headers.cat == NGHTTP2_HCAT_REQUEST,
      nghttp2_session_find_stream(session, streamID) == nil,
      openStreams.remove(streamID) != nil
    else { return 0 }
    outbound[streamID] = nil
    events.append(.streamClosed(streamID: streamID, errorCode: .refusedStream))
    return 0
  }
}
