internal import CNGHTTP2

/// A failure reported by nghttp2: its negative error code and what went wrong.
///
/// The message names the operation and nghttp2's own explanation, for example
/// `"receive: Received bad client magic byte string"`.
package struct HTTP2SessionError: Error, Hashable, CustomStringConvertible {
  /// The nghttp2 error code (one of `nghttp2_error`, always negative).
  package var code: Int32
  /// The operation that failed and nghttp2's explanation of the code.
  package var message: String

  /// Creates an error from a code and a message.
  package init(code: Int32, message: String) {
    self.code = code
    self.message = message
  }

  /// Creates an error from an nghttp2 return code, naming the operation that returned it.
  init(code: Int32, operation: String) {
    self.code = code
    self.message = "\(operation): \(String(cString: nghttp2_strerror(code)))"
  }

  package var description: String {
    "HTTP2SessionError(\(code)): \(message)"
  }

  /// Throws when `returnCode` is negative.
  static func check(_ returnCode: Int32, _ operation: String) throws(HTTP2SessionError) {
    if returnCode < 0 {
      throw HTTP2SessionError(code: returnCode, operation: operation)
    }
  }
}
