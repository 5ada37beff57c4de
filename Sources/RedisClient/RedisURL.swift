/// The parts of a `redis://` or `rediss://` URL; every rule it checks has a message that names
/// it.
struct RedisURL {
  var useTLS: Bool
  var host: String
  var port = 6379
  var username: String?
  var password: String?
  var database = 0

  init(_ url: String) throws(RedisConfigurationError) {
    guard let schemeEnd = url.firstRange(of: "://") else {
      throw RedisConfigurationError(
        "redis URL \"\(url)\" does not start with redis:// or rediss://"
      )
    }
    switch url[..<schemeEnd.lowerBound].lowercased() {
    case "redis": self.useTLS = false
    case "rediss": self.useTLS = true
    case let scheme:
      throw RedisConfigurationError("redis URL scheme \"\(scheme)\" is not redis or rediss")
    }
    self.host = ""
    var rest = url[schemeEnd.upperBound...]
    if let extra = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
      throw RedisConfigurationError(
        "redis URL has a query or fragment (\"\(rest[extra...])\"); none is supported"
      )
    }
    var path: Substring = ""
    if let slash = rest.firstIndex(of: "/") {
      path = rest[rest.index(after: slash)...]
      rest = rest[..<slash]
    }
    if let at = rest.lastIndex(of: "@") {
      try self.parseUserInfo(rest[..<at])
      rest = rest[rest.index(after: at)...]
    }
    try self.parseHostAndPort(rest)
    if !path.isEmpty {
      guard Self.isDecimal(path), let database = Int(path),
        (0 ... Int(Int32.max)).contains(database)
      else {
        throw RedisConfigurationError(
          "redis URL database \"\(path)\" is not a number in 0...\(Int32.max)"
        )
      }
      self.database = database
    }
  }

  private mutating func parseUserInfo(_ info: Substring) throws(RedisConfigurationError) {
    guard let colon = info.firstIndex(of: ":") else {
      throw RedisConfigurationError(
        "redis URL user \"\(info)\" has no password; write user:password@ (or :password@ for the default user)"
      )
    }
    let user = try Self.percentDecoded(info[..<colon], part: "user")
    let password = try Self.percentDecoded(info[info.index(after: colon)...], part: "password")
    guard !password.isEmpty else {
      throw RedisConfigurationError(
        "redis URL password is empty; leave out user:password@ for no AUTH"
      )
    }
    self.username = user.isEmpty ? nil : user
    self.password = password
  }

  private mutating func parseHostAndPort(_ authority: Substring) throws(RedisConfigurationError) {
    var portText: Substring?
    if authority.hasPrefix("[") {
      guard let close = authority.firstIndex(of: "]") else {
        throw RedisConfigurationError("redis URL IPv6 host \"\(authority)\" has no closing ]")
      }
      let inside = authority[authority.index(after: authority.startIndex) ..< close]
      guard inside.contains(":"), inside.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
      else {
        throw RedisConfigurationError("redis URL host [\(inside)] is not an IPv6 address")
      }
      self.host = String(inside)
      let after = authority[authority.index(after: close)...]
      if !after.isEmpty {
        guard after.hasPrefix(":") else {
          throw RedisConfigurationError(
            "redis URL has \"\(after)\" after the IPv6 host; expected :port"
          )
        }
        portText = after.dropFirst()
      }
    } else {
      guard authority.filter({ $0 == ":" }).count <= 1 else {
        throw RedisConfigurationError(
          "redis URL host \"\(authority)\" has several colons; an IPv6 address goes in brackets"
        )
      }
      var hostText = authority
      if let colon = authority.firstIndex(of: ":") {
        hostText = authority[..<colon]
        portText = authority[authority.index(after: colon)...]
      }
      guard !hostText.isEmpty else { throw RedisConfigurationError("redis URL has no host") }
      guard
        hostText.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) })
      else {
        throw RedisConfigurationError(
          "redis URL host \"\(hostText)\" is not a host name or address (an IPv6 address goes in brackets)"
        )
      }
      self.host = String(hostText)
    }
    if let portText {
      guard Self.isDecimal(portText), let port = Int(portText), (1 ... 65535).contains(port) else {
        throw RedisConfigurationError("redis URL port \"\(portText)\" is not a number in 1...65535")
      }
      self.port = port
    }
  }

  private static func isDecimal(_ text: Substring) -> Bool {
    !text.isEmpty && text.utf8.allSatisfy { (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains($0) }
  }

  /// `text` with `%XX` escapes decoded, as UTF-8.
  private static func percentDecoded(
    _ text: Substring,
    part: String
  ) throws(RedisConfigurationError) -> String {
    var bytes: [UInt8] = []
    var index = text.utf8.startIndex
    let utf8 = text.utf8
    while index < utf8.endIndex {
      let byte = utf8[index]
      guard byte == UInt8(ascii: "%") else {
        bytes.append(byte)
        index = utf8.index(after: index)
        continue
      }
      let digits = utf8[utf8.index(after: index)...].prefix(2)
      guard digits.count == 2, digits.allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
        let value = UInt8(String(decoding: digits, as: UTF8.self), radix: 16)
      else {
        throw RedisConfigurationError("redis URL \(part) has a % not followed by two hex digits")
      }
      bytes.append(value)
      index = utf8.index(index, offsetBy: 3)
    }
    guard let decoded = String(validating: bytes, as: UTF8.self) else {
      throw RedisConfigurationError("redis URL \(part) is not UTF-8 once percent-decoded")
    }
    return decoded
  }
}
