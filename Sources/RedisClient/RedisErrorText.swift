internal import NIOCore
internal import NIOPosix
internal import NIOSSL

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Short descriptions of SwiftNIO's and NIOSSL's errors for messages: `connection refused`,
/// `connect timed out after 5 s`, `TLS handshake failed: CERTIFICATE_VERIFY_FAILED`.
enum RedisErrorText {
  static func describe(_ error: any Error) -> String {
    switch error {
    case let error as RedisFailure:
      return error.detail
    case let error as NIOConnectionError:
      if let dns = error.dnsAError ?? error.dnsAAAAError {
        return "cannot resolve \(error.host): \(dns)"
      }
      guard let first = error.connectionErrors.first else {
        return "no address to connect to for \(error.host)"
      }
      return Self.describe(first.error)
    case let error as IOError:
      return String(cString: strerror(error.errnoCode)).lowercased()
    case ChannelError.connectTimeout(let amount):
      return "connect timed out after \(Duration.nanoseconds(amount.nanoseconds).redisText)"
    case ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed, ChannelError.outputClosed:
      return "the connection is closed"
    case let error as NIOSSLExtraError where error == .failedToValidateHostname:
      // "NIOSSLExtraError.failedToValidateHostname: Couldn't find NAME in certificate from peer"
      let text = "\(error)"
      let reason = text.firstRange(of: ": ").map { String(text[$0.upperBound...]) } ?? text
      return "TLS host name check failed: \(reason)"
    case let error as NIOSSLError:
      switch error {
      case .handshakeFailed(let underlying):
        return "TLS handshake failed: \(Self.describe(underlying))"
      case .uncleanShutdown: return "the server closed the connection without a TLS close_notify"
      default: return "TLS: \(error)"
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
      let reasons = stack.map { Self.reason($0.description) }.filter { !$0.isEmpty }
      return reasons.isEmpty ? "\(error)" : reasons.joined(separator: ", ")
    case .syscallError: return "the connection failed during the TLS exchange"
    case .zeroReturn: return "the server closed the TLS session"
    default: return "\(error)"
    }
  }

  /// BoringSSL's `Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:
  /// CERTIFICATE_VERIFY_FAILED at <file>:<line>` as its reason, `CERTIFICATE_VERIFY_FAILED`.
  private static func reason(_ text: String) -> String {
    var text = Substring(text)
    if let at = text.ranges(of: " at ").last { text = text[..<at.lowerBound] }
    if let colon = text.lastIndex(of: ":") { text = text[text.index(after: colon)...] }
    return String(text.drop { $0 == " " })
  }
}
