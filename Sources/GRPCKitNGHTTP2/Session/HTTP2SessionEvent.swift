package import NIOCore

/// Something ``NGHTTP2Session`` observed while receiving or sending; the owner acts on it after
/// `receive` or `flushOutput` returns.
package enum HTTP2SessionEvent: Hashable, Sendable {
  /// A complete header block (HEADERS + CONTINUATION). `isTrailers` is true for a block after the
  /// first on that stream.
  case headers(streamID: Int32, fields: [HTTP2HeaderField], isTrailers: Bool, endStream: Bool)
  /// A DATA payload chunk: a slice of the buffer given to `receive` (no copy).
  case data(streamID: Int32, bytes: ByteBuffer)
  /// END_STREAM on a DATA frame (on HEADERS it is in `headers(endStream:)`).
  case endOfStream(streamID: Int32)
  /// The stream is gone (`noError` when it ended normally). Can name a stream the owner
  /// never saw headers for (nghttp2 rejected its header block).
  case streamClosed(streamID: Int32, errorCode: HTTP2ErrorCode)
  /// Server only: a header block on this stream was larger than
  /// ``HTTP2SessionSettings/maxHeaderListSize`` (`size` bytes, RFC 9113 sizes); its fields were
  /// dropped and the stream is still open, for the owner to answer or reset. (A client's session
  /// resets such a stream itself.)
  case headerListTooLarge(streamID: Int32, size: Int)
  /// Server only: nghttp2 refused this new request stream, over SETTINGS_MAX_CONCURRENT_STREAMS:
  /// with RST_STREAM `REFUSED_STREAM` when the client had not acknowledged the setting yet, or
  /// (`closesConnection`) with GOAWAY `PROTOCOL_ERROR` when it had. The owner never sees the
  /// stream's headers.
  case streamRefused(streamID: Int32, closesConnection: Bool)
  /// The peer sent GOAWAY.
  case goAway(lastStreamID: Int32, errorCode: HTTP2ErrorCode, debugData: String)
  /// The peer sent PING (nghttp2 has already queued the ACK) or acknowledged ours (`ack`);
  /// `data` is the frame's 8 opaque bytes, big-endian.
  case ping(data: UInt64, ack: Bool)
}
