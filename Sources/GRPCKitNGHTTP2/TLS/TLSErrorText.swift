import NIOSSL

/// Short, readable descriptions of NIOSSL's errors, for call statuses and logs.
///
/// BoringSSL reports `error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at
/// <source file>:<line>`; the reason (`CERTIFICATE_VERIFY_FAILED`) is the part people search for.
enum TLSErrorText {
  static func describe(_ error: any Error) -> String {
    switch error {
    case let error as NIOSSLError:
      switch error {
      case .handshakeFailed(let underlying): return Self.describe(underlying)
      case .uncleanShutdown: return "the peer closed the connection without a TLS close_notify"
      case .shutdownFailed(let underlying): return "TLS shutdown failed: \(Self.describe(underlying))"
      default: return "\(error)"
      }
    case let error as BoringSSLError:
      return Self.describe(error)
    default:
      return "\(error)"
    }
  }

  private static func describe(_ error: BoringSSLError) -> String {
    switch error {
    case .sslError(let stack), .unknownError(let stack):
      let reasons = stack.map { Self.reason($0) }.filter { !$0.isEmpty }
      return reasons.isEmpty ? "\(error)" : reasons.joined(separator: ", ")
    case .syscallError:
      return "the connection failed during the TLS exchange"
    case .zeroReturn:
      return "the peer closed the TLS session"
    default:
      return "\(error)"
    }
  }

  /// The reason of one BoringSSL error: the text after the last `:` and before ` at `.
  static func reason(_ error: BoringSSLInternalError) -> String {
    var text = Substring(error.description)
    if text.hasPrefix("Error: ") {
      // "Error: <code> <message>"
      text = text.dropFirst("Error: ".count).drop { $0 != " " }.dropFirst()
    }
    if let at = Self.lastRange(of: " at ", in: text) { text = text[..<at] }
    if let colon = text.lastIndex(of: ":") { text = text[text.index(after: colon)...] }
    return String(text.drop { $0 == " " })
  }

  private static func lastRange(of needle: String, in text: Substring) -> Substring.Index? {
    var index = text.endIndex
    while index > text.startIndex {
      index = text.index(before: index)
      if text[index...].hasPrefix(needle) { return index }
    }
    return nil
  }
}
