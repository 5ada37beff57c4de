internal import CNGHTTP2
package import NIOCore

// Outbound: headers, queued data and its data provider, resets, flow-control credit, GOAWAY.
// Everything here only queues; `flushOutput` writes.
extension NGHTTP2Session {
  /// Queues response HEADERS (":status" first).
  ///
  /// - Parameters:
  ///   - streamID: the request's stream.
  ///   - headers: the response headers, names lowercase.
  ///   - endStream: true for a trailers-only response (the headers carry `grpc-status`);
  ///     otherwise a data provider serves the stream's outbound queue until
  ///     ``endStream(streamID:trailers:)``.
  /// - Throws: ``HTTP2SessionError`` when nghttp2 refuses (stream closed, response already sent).
  package func submitResponse(
    streamID: Int32,
    headers: [HTTP2HeaderField],
    endStream: Bool
  ) throws(HTTP2SessionError) {
    let result: Int32
    if endStream {
      result = withNameValues(headers) { nameValues, count in
        nghttp2_submit_response(session, streamID, nameValues, count, nil)
      }
    } else {
      var provider = Self.dataProvider
      result = withNameValues(headers) { nameValues, count in
        nghttp2_submit_response(session, streamID, nameValues, count, &provider)
      }
    }
    try HTTP2SessionError.check(result, "submit response on stream \(streamID)")
    if endStream {
      outbound[streamID] = nil
    } else {
      outbound[streamID]?.hasProvider = true
    }
  }

  /// Queues HEADERS for a new request stream, with a data provider serving its outbound queue.
  ///
  /// - Parameter headers: the request headers (pseudo-headers first), names lowercase.
  /// - Returns: the new stream's id.
  /// - Throws: ``HTTP2SessionError`` when nghttp2 refuses (stream ids exhausted, GOAWAY received).
  package func submitRequest(headers: [HTTP2HeaderField]) throws(HTTP2SessionError) -> Int32 {
    var provider = Self.dataProvider
    let streamID = withNameValues(headers) { nameValues, count in
      nghttp2_submit_request(session, nil, nameValues, count, &provider, nil)
    }
    try HTTP2SessionError.check(streamID, "submit request")
    var stream = HTTP2OutboundStream()
    stream.hasProvider = true
    outbound[streamID] = stream
    openStreams.insert(streamID)
    return streamID
  }

  /// Appends bytes (framed gRPC messages) to the stream's outbound queue and wakes its data
  /// provider.
  ///
  /// - Returns: the stream's queued byte count; 0 when the stream is closed (bytes dropped).
  @discardableResult
  package func enqueueData(streamID: Int32, _ bytes: ByteBuffer) -> Int {
    guard outbound[streamID] != nil else { return 0 }
    outbound[streamID]!.append(bytes)
    resumeIfDeferred(streamID)
    return outbound[streamID]?.queuedBytes ?? 0
  }

  /// Ends the outbound side after the queued data.
  ///
  /// - Parameter trailers: sent after the data (server); `nil` sets END_STREAM on the last DATA
  ///   frame, possibly empty (client half-close).
  package func endStream(streamID: Int32, trailers: [HTTP2HeaderField]?) {
    guard outbound[streamID] != nil else { return }
    outbound[streamID]!.end(trailers: trailers)
    resumeIfDeferred(streamID)
  }

  /// Queues RST_STREAM with `errorCode` (`.cancel` for a cancelled call).
  package func resetStream(streamID: Int32, errorCode: HTTP2ErrorCode) {
    _ = nghttp2_submit_rst_stream(
      session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode.rawValue)
  }

  /// Returns flow-control credit for `bytes` of DATA received on the stream.
  package func consumeStream(streamID: Int32, bytes: Int) {
    _ = nghttp2_session_consume_stream(session, streamID, bytes)
  }

  /// Returns flow-control credit for `bytes` of DATA received on the connection.
  package func consumeConnection(bytes: Int) {
    _ = nghttp2_session_consume_connection(session, bytes)
  }

  /// The bytes queued on the stream and not yet handed to nghttp2.
  package func queuedOutboundBytes(streamID: Int32) -> Int {
    outbound[streamID]?.queuedBytes ?? 0
  }

  /// Queues GOAWAY.
  ///
  /// - Parameters:
  ///   - lastStreamID: the last stream that will be processed; `nil` means the last one
  ///     nghttp2 passed to the owner.
  ///   - errorCode: `.noError` for a graceful close, `.enhanceYourCalm` for abuse.
  ///   - debugData: opaque debug data, for example `too_many_pings`.
  package func submitGoAway(lastStreamID: Int32?, errorCode: HTTP2ErrorCode, debugData: String) {
    let last = lastStreamID ?? nghttp2_session_get_last_proc_stream_id(session)
    var debug = Array(debugData.utf8)
    _ = debug.withUnsafeMutableBufferPointer { bytes in
      nghttp2_submit_goaway(
        session,
        UInt8(NGHTTP2_FLAG_NONE.rawValue),
        last,
        errorCode.rawValue,
        bytes.baseAddress,
        bytes.count
      )
    }
  }

  /// Server: queues the first GOAWAY of a graceful shutdown (last stream id 2^31-1), telling the
  /// client to open no new streams while streams already on their way are still processed.
  ///
  /// - Parameter pingData: when set, a PING with this data follows the GOAWAY on the wire (nghttp2
  ///   would otherwise send the PING first): its ACK shows the client has seen the GOAWAY, and
  ///   the final ``submitGoAway(lastStreamID:errorCode:debugData:)`` can follow.
  package func submitShutdownNotice(pingData: UInt64? = nil) {
    guard nghttp2_submit_shutdown_notice(session) == 0 else { return }
    pingAfterGoAway = pingData
  }

  /// Queues a PING carrying `data` as its 8 opaque bytes, big-endian (nghttp2 answers the
  /// peer's PINGs itself).
  package func submitPing(data: UInt64 = 0) {
    withUnsafeBytes(of: data.bigEndian) { bytes in
      _ = nghttp2_submit_ping(
        session,
        UInt8(NGHTTP2_FLAG_NONE.rawValue),
        bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
      )
    }
  }

  private func resumeIfDeferred(_ streamID: Int32) {
    guard outbound[streamID]?.isDeferred == true else { return }
    outbound[streamID]!.isDeferred = false
    _ = nghttp2_session_resume_data(session, streamID)
  }

  /// Builds `nghttp2_nv` entries pointing into one temporary byte buffer (nghttp2 copies them).
  func withNameValues<Result>(
    _ fields: [HTTP2HeaderField],
    _ body: (UnsafePointer<nghttp2_nv>?, Int) -> Result
  ) -> Result {
    let byteCount = fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(byteCount, 1)) { bytes in
      withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: max(fields.count, 1)) {
        entries in
        var offset = 0
        func copy(_ text: String) -> (UnsafeMutablePointer<UInt8>, Int) {
          let start = bytes.baseAddress! + offset
          let count = text.utf8.count
          _ = UnsafeMutableBufferPointer(rebasing: bytes[offset ..< (offset + count)])
            .initialize(from: text.utf8)
          offset += count
          return (start, count)
        }
        for (index, field) in fields.enumerated() {
          let name = copy(field.name)
          let value = copy(field.value)
          (entries.baseAddress! + index).initialize(
            to: nghttp2_nv(
              name: name.0,
              value: value.0,
              namelen: name.1,
              valuelen: value.1,
              flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
            )
          )
        }
        return body(UnsafePointer(entries.baseAddress), fields.count)
      }
    }
  }
}
