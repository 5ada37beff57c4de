/// An HTTP/2 error code, as RST_STREAM and GOAWAY carry it (RFC 9113 section 7).
///
/// A code the peer sends that this list does not name keeps its value (RFC 9113: unknown codes
/// must not trigger special behaviour; they are treated like `INTERNAL_ERROR`).
///
/// ```swift
/// session.resetStream(streamID: 1, errorCode: .cancel)
/// ```
package struct HTTP2ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  package let rawValue: UInt32

  package init(rawValue: UInt32) {
    self.rawValue = rawValue
  }

  /// The graceful close of a stream or connection.
  package static let noError = HTTP2ErrorCode(rawValue: 0x0)
  package static let protocolError = HTTP2ErrorCode(rawValue: 0x1)
  package static let internalError = HTTP2ErrorCode(rawValue: 0x2)
  package static let flowControlError = HTTP2ErrorCode(rawValue: 0x3)
  package static let settingsTimeout = HTTP2ErrorCode(rawValue: 0x4)
  package static let streamClosed = HTTP2ErrorCode(rawValue: 0x5)
  package static let frameSizeError = HTTP2ErrorCode(rawValue: 0x6)
  /// The stream was not processed at all: a client may retry it elsewhere.
  package static let refusedStream = HTTP2ErrorCode(rawValue: 0x7)
  /// The stream is no longer needed (a cancelled call).
  package static let cancel = HTTP2ErrorCode(rawValue: 0x8)
  package static let compressionError = HTTP2ErrorCode(rawValue: 0x9)
  package static let connectError = HTTP2ErrorCode(rawValue: 0xa)
  /// The peer is sending too much (with "too_many_pings": too many PINGs).
  package static let enhanceYourCalm = HTTP2ErrorCode(rawValue: 0xb)
  package static let inadequateSecurity = HTTP2ErrorCode(rawValue: 0xc)
  package static let http11Required = HTTP2ErrorCode(rawValue: 0xd)

  /// The RFC's name, such as `CANCEL`, or `0x...` for a code it does not define.
  package var description: String {
    switch self.rawValue {
    case 0x0: "NO_ERROR"
    case 0x1: "PROTOCOL_ERROR"
    case 0x2: "INTERNAL_ERROR"
    case 0x3: "FLOW_CONTROL_ERROR"
    case 0x4: "SETTINGS_TIMEOUT"
    case 0x5: "STREAM_CLOSED"
    case 0x6: "FRAME_SIZE_ERROR"
    case 0x7: "REFUSED_STREAM"
    case 0x8: "CANCEL"
    case 0x9: "COMPRESSION_ERROR"
    case 0xa: "CONNECT_ERROR"
    case 0xb: "ENHANCE_YOUR_CALM"
    case 0xc: "INADEQUATE_SECURITY"
    case 0xd: "HTTP_1_1_REQUIRED"
    default: "0x" + String(self.rawValue, radix: 16)
    }
  }
}
