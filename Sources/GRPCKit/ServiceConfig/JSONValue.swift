/// A parsed JSON document (RFC 8259), walked by hand so that every error can name its JSON path.
enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// How deep arrays and objects may nest; a service config needs five levels.
  static let maximumDepth = 64

  /// Parses `bytes` (UTF-8) as one JSON document.
  ///
  /// - Throws: ``ServiceConfigError`` with an empty path and the reason `not valid JSON: line L,
  ///   column C: ...` naming the first place the text breaks the grammar, a key given twice in
  ///   one object, a number too large for a double, or nesting deeper than ``maximumDepth``.
  static func parse(_ bytes: [UInt8]) throws(ServiceConfigError) -> JSONValue {
    var parser = JSONParser(bytes: bytes)
    do throws(JSONSyntaxError) {
      parser.skipWhitespace()
      let value = try parser.value(depth: 0)
      parser.skipWhitespace()
      guard parser.offset == bytes.count else { throw parser.error("text after the document") }
      return value
    } catch {
      throw ServiceConfigError(
        path: "", reason: "not valid JSON: \(parser.position(of: error.offset)): \(error.problem)")
    }
  }

  var kindName: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

/// Where JSON text breaks the grammar, and how.
struct JSONSyntaxError: Error {
  /// The byte offset of the problem.
  var offset: Int
  var problem: String
}

/// A recursive-descent parser over UTF-8 bytes; nesting is bounded by ``JSONValue/maximumDepth``.
private struct JSONParser {
  let bytes: [UInt8]
  var offset = 0

  init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  func error(_ problem: String, at offset: Int? = nil) -> JSONSyntaxError {
    JSONSyntaxError(offset: offset ?? self.offset, problem: problem)
  }

  /// `line L, column C` (both from 1, columns in bytes) of `offset`.
  func position(of offset: Int) -> String {
    var line = 1
    var lineStart = 0
    for index in 0..<min(offset, self.bytes.count) where self.bytes[index] == UInt8(ascii: "\n") {
      line += 1
      lineStart = index + 1
    }
    return "line \(line), column \(offset - lineStart + 1)"
  }

  private var current: UInt8? { self.offset < self.bytes.count ? self.bytes[self.offset] : nil }

  /// What the byte at the current offset is, for an error message.
  private var found: String {
    guard let byte = self.current else { return "the end of the text" }
    return Self.describe(byte)
  }

  private static func describe(_ byte: UInt8) -> String {
    if byte >= 0x20, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x\(String(byte, radix: 16, uppercase: true))"
  }

  mutating func skipWhitespace() {
    while let byte = self.current,
      byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
        || byte == UInt8(ascii: "\r")
    {
      self.offset += 1
    }
  }

  mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
    guard let byte = self.current else { throw self.error("expected a value, found \(self.found)") }
    switch byte {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      guard depth < JSONValue.maximumDepth else {
        throw self.error("nested deeper than \(JSONValue.maximumDepth) arrays and objects")
      }
      return byte == UInt8(ascii: "{")
        ? try self.object(depth: depth + 1) : try self.array(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try self.string())
    case UInt8(ascii: "t"): return try self.literal("true", .bool(true))
    case UInt8(ascii: "f"): return try self.literal("false", .bool(false))
    case UInt8(ascii: "n"): return try self.literal("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try self.number())
    default: throw self.error("expected a value, found \(self.found)")
    }
  }

  private mutating func literal(_ word: String, _ value: JSONValue) throws(JSONSyntaxError)
    -> JSONValue
  {
    let start = self.offset
    for expected in word.utf8 {
      guard self.current == expected else {
        throw self.error("expected a value, found \(self.wordFound(from: start))", at: start)
      }
      self.offset += 1
    }
    return value
  }

  /// The letters from `start`, for "found 'nul'".
  private func wordFound(from start: Int) -> String {
    var end = start
    while end < self.bytes.count, end - start < 16,
      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self.bytes[end])
    {
      end += 1
    }
    return "'\(String(decoding: self.bytes[start..<end], as: UTF8.self))'"
  }

  private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
    var members: [String: JSONValue] = [:]
    try self.elements(closedBy: UInt8(ascii: "}"), in: "an object") { parser throws(JSONSyntaxError) in
      guard parser.current == UInt8(ascii: "\"") else {
        throw parser.error("expected a key in quotes, found \(parser.found)")
      }
      let keyOffset = parser.offset
      let key = try parser.string()
      guard members[key] == nil else {
        throw parser.error("the key \"\(key)\" appears twice in one object", at: keyOffset)
      }
      parser.skipWhitespace()
      guard parser.current == UInt8(ascii: ":") else {
        throw parser.error("expected ':' after a key, found \(parser.found)")
      }
      parser.offset += 1
      parser.skipWhitespace()
      members[key] = try parser.value(depth: depth)
    }
    return .object(members)
  }

  private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
    var elements: [JSONValue] = []
    try self.elements(closedBy: UInt8(ascii: "]"), in: "an array") { parser throws(JSONSyntaxError) in
      elements.append(try parser.value(depth: depth))
    }
    return .array(elements)
  }

  /// Reads the comma-separated elements of an array or object, from its opening bracket to after
  /// `closing`; `element` reads one.
  private mutating func elements(
    closedBy closing: UInt8,
    in container: String,
    _ element: (inout JSONParser) throws(JSONSyntaxError) -> Void
  ) throws(JSONSyntaxError) {
    self.offset += 1  // the opening bracket
    self.skipWhitespace()
    if self.current == closing {
      self.offset += 1
      return
    }
    while true {
      try element(&self)
      self.skipWhitespace()
      switch self.current {
      case UInt8(ascii: ","):
        self.offset += 1
        self.skipWhitespace()
      case closing:
        self.offset += 1
        return
      default:
        throw self.error(
          "expected ',' or \(Self.describe(closing)) in \(container), found \(self.found)")
      }
    }
  }

  /// A number by RFC 8259's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
  private mutating func number() throws(JSONSyntaxError) -> Double {
    let start = self.offset
    if self.current == UInt8(ascii: "-") { self.offset += 1 }
    if self.current == UInt8(ascii: "0") {
      self.offset += 1
      if let next = self.current, Self.isDigit(next) {
        throw self.error("a number has a leading zero", at: start)
      }
    } else {
      guard try self.digits() > 0 else { throw self.error("expected a digit, found \(self.found)") }
    }
    if self.current == UInt8(ascii: ".") {
      self.offset += 1
      guard try self.digits() > 0 else {
        throw self.error("expected a digit after '.', found \(self.found)")
      }
    }
    if self.current == UInt8(ascii: "e") || self.current == UInt8(ascii: "E") {
      self.offset += 1
      if self.current == UInt8(ascii: "+") || self.current == UInt8(ascii: "-") { self.offset += 1 }
      guard try self.digits() > 0 else {
        throw self.error("expected a digit in the exponent, found \(self.found)")
      }
    }
    let text = String(decoding: self.bytes[start..<self.offset], as: UTF8.self)
    guard let number = Double(text), number.isFinite else {
      throw self.error("the number \(text) is too large", at: start)
    }
    return number
  }

  /// Skips digits; returns how many.
  private mutating func digits() throws(JSONSyntaxError) -> Int {
    let start = self.offset
    while let byte = self.current, Self.isDigit(byte) { self.offset += 1 }
    return self.offset - start
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }

  /// A string, from its opening quote to after its closing one, with its escapes resolved.
  mutating func string() throws(JSONSyntaxError) -> String {
    self.offset += 1  // "
    var scalars = String.UnicodeScalarView()
    var runStart = self.offset
    while true {
      guard let byte = self.current else { throw self.error("a string is not closed") }
      switch byte {
      case UInt8(ascii: "\""):
        scalars.append(contentsOf: String(decoding: self.bytes[runStart..<self.offset], as: UTF8.self).unicodeScalars)
        self.offset += 1
        return String(scalars)
      case UInt8(ascii: "\\"):
        scalars.append(contentsOf: String(decoding: self.bytes[runStart..<self.offset], as: UTF8.self).unicodeScalars)
        scalars.append(try self.escape())
        runStart = self.offset
      case 0..<0x20:
        throw self.error("a control character (\(self.found)) in a string must be escaped")
      default:
        self.offset += 1
      }
    }
  }

  /// One escape, from its backslash.
  private mutating func escape() throws(JSONSyntaxError) -> Unicode.Scalar {
    let start = self.offset
    self.offset += 1  // backslash
    guard let byte = self.current else { throw self.error("a string is not closed") }
    self.offset += 1
    switch byte {
    case UInt8(ascii: "\""): return "\""
    case UInt8(ascii: "\\"): return "\\"
    case UInt8(ascii: "/"): return "/"
    case UInt8(ascii: "b"): return "\u{08}"
    case UInt8(ascii: "f"): return "\u{0C}"
    case UInt8(ascii: "n"): return "\n"
    case UInt8(ascii: "r"): return "\r"
    case UInt8(ascii: "t"): return "\t"
    case UInt8(ascii: "u"):
      let unit = try self.hexQuad()
      switch unit {
      case 0xD800..<0xDC00:
        // A high surrogate: a low one must follow, as its own \u escape.
        guard self.current == UInt8(ascii: "\\"), self.offset + 1 < self.bytes.count,
          self.bytes[self.offset + 1] == UInt8(ascii: "u")
        else { throw self.error("a \\u escape of a high surrogate is not followed by a low one", at: start) }
        self.offset += 2
        let low = try self.hexQuad()
        guard (0xDC00..<0xE000).contains(low) else {
          throw self.error("a \\u escape of a high surrogate is not followed by a low one", at: start)
        }
        return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
      case 0xDC00..<0xE000:
        throw self.error("a \\u escape of a low surrogate has no high one before it", at: start)
      default:
        return Unicode.Scalar(unit)!
      }
    default:
      throw self.error("an unknown escape: backslash and \(Self.describe(byte))", at: start)
    }
  }

  private mutating func hexQuad() throws(JSONSyntaxError) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let byte = self.current, let digit = Self.hexDigit(byte) else {
        throw self.error("expected four hex digits after \\u, found \(self.found)")
      }
      value = value << 4 | digit
      self.offset += 1
    }
    return value
  }

  private static func hexDigit(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
  }
}
