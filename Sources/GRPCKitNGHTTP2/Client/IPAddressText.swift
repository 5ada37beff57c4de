import NIOCore

/// Recognises IP address literals.
enum IPAddressText {
  /// True for a dotted IPv4 address such as `10.0.0.1`.
  static func isIPv4(_ text: String) -> Bool {
    guard let address = try? SocketAddress(ipAddress: text, port: 0) else { return false }
    if case .v4 = address { return true }
    return false
  }

  /// True for an IPv6 address such as `::1` (without brackets).
  static func isIPv6(_ text: String) -> Bool {
    guard let address = try? SocketAddress(ipAddress: text, port: 0) else { return false }
    if case .v6 = address { return true }
    return false
  }
}
