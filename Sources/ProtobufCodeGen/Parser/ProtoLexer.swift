/// Splits `.proto` source text into tokens, attaching comments the way protoc's source info does.
///
/// A token's leading comments are the comment block right before it (no blank line between);
/// a comment that starts on the line where a token ends is that token's trailing comment.
struct ProtoLexer {
  /// A comment with its markers removed.
  private struct Comment {
    var lines: [String]
    var startLine: Int
    var endLine: Int
  }

  private let bytes: [UInt8]
  private let path: String
  private var offset = 0
  private var line = 1
  private var lineStart = 0
  private var tokens: [ProtoToken] = []
  private var comments: [Comment] = []

  private init(source: String, path: String) {
    self.bytes = Array(source.utf8)
    self.path = path
  }

  /// Tokenizes `source`; the last token is always ``ProtoToken/Kind/endOfFile``.
  ///
  /// - Throws: ``CodeGenError/Code/syntaxError`` for an unterminated string or comment, a bad escape,
  ///   a malformed number or a character that cannot start a token.
  static func tokenize(_ source: String, path: String) throws(CodeGenError) -> [ProtoToken] {
    var lexer = ProtoLexer(source: source, path: path)
    try lexer.run()
    return lexer.tokens
  }

  private var column: Int { offset - lineStart + 1 }

  private func peek(_ ahead: Int = 0) -> UInt8? {
    offset + ahead < bytes.count ? bytes[offset + ahead] : nil
  }

  private func error(_ message: String, line: Int? = nil, column: Int? = nil) -> CodeGenError {
    CodeGenError(
      .syntaxError,
      message,
      at: SourceLocation(file: path, line: line ?? self.line, column: column ?? self.column)
    )
  }

  private mutating func run() throws(CodeGenError) {
    while true {
      skipWhitespace()
      guard let byte = peek() else {
        append(.endOfFile, line: line, column: column, start: offset)
        return
      }
      let next = peek(1)
      if byte == UInt8(ascii: "/"), next == UInt8(ascii: "/") {
        lineComment()
      } else if byte == UInt8(ascii: "/"), next == UInt8(ascii: "*") {
        try blockComment()
      } else if byte.isIdentifierStart {
        let (startLine, startColumn, start) = (line, column, offset)
        while let byte = peek(), byte.isIdentifierStart || byte.isDigit { offset += 1 }
        append(.identifier, line: startLine, column: startColumn, start: start)
      } else if byte.isDigit || (byte == UInt8(ascii: ".") && next?.isDigit == true) {
        try number()
      } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
        try string(quote: byte)
      } else if byte > 0x20, byte < 0x7F {
        let (startLine, startColumn, start) = (line, column, offset)
        offset += 1
        append(.symbol, line: startLine, column: startColumn, start: start)
      } else {
        throw error("unexpected character \(describe(byte)) outside a string or comment")
      }
    }
  }

  private func describe(_ byte: UInt8) -> String {
    byte < 0x80 && byte >= 0x20
      ? "\"\(Character(Unicode.Scalar(byte)))\"" : "byte 0x\(String(byte, radix: 16))"
  }

  private mutating func skipWhitespace() {
    while let byte = peek() {
      switch byte {
      case UInt8(ascii: "\n"):
        offset += 1
        line += 1
        lineStart = offset
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C:
        offset += 1
      default:
        return
      }
    }
  }

  /// Appends a token ending at the current offset (or a string token with its decoded value) and
  /// hands out the comments seen since the previous token.
  private mutating func append(
    _ kind: ProtoToken.Kind,
    line startLine: Int,
    column startColumn: Int,
    start: Int,
    text: String? = nil
  ) {
    var token = ProtoToken(
      kind: kind,
      text: text ?? String(decoding: bytes[start ..< offset], as: UTF8.self),
      line: startLine,
      column: startColumn,
      endLine: line,
      start: start,
      end: offset
    )
    var pending = comments[...]
    if let previous = tokens.indices.last, let first = pending.first,
      first.startLine == tokens[previous].endLine
    {
      tokens[previous].trailingComment = first.lines.joined(separator: "\n")
      pending = pending.dropFirst()
    }
    var block: [String] = []
    var nextLine = token.line
    for comment in pending.reversed() {
      guard comment.endLine == nextLine || comment.endLine == nextLine - 1 else { break }
      block.insert(contentsOf: comment.lines, at: 0)
      nextLine = comment.startLine
    }
    token.leadingComments = block
    comments = []
    tokens.append(token)
  }

  private mutating func lineComment() {
    let start = offset + 2
    while let byte = peek(), byte != UInt8(ascii: "\n") { offset += 1 }
    let text = Self.stripOneSpace(String(decoding: bytes[start ..< offset], as: UTF8.self))
    comments.append(
      Comment(lines: [Self.trimTrailingWhitespace(text)], startLine: line, endLine: line)
    )
  }

  private mutating func blockComment() throws(CodeGenError) {
    let (startLine, startColumn) = (line, column)
    offset += 2
    let start = offset
    while !(peek() == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/")) {
      guard let byte = peek() else {
        throw error("block comment is not closed with \"*/\"", line: startLine, column: startColumn)
      }
      offset += 1
      if byte == UInt8(ascii: "\n") {
        line += 1
        lineStart = offset
      }
    }
    let body = String(decoding: bytes[start ..< offset], as: UTF8.self)
    offset += 2
    var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { raw in
      var text = Substring(Self.trimTrailingWhitespace(String(raw)))
      text = text.drop { $0 == " " || $0 == "\t" }
      if text.first == "*" { text = text.dropFirst() }
      return Self.stripOneSpace(String(text))
    }
    while lines.first?.isEmpty == true { lines.removeFirst() }
    while lines.last?.isEmpty == true { lines.removeLast() }
    comments.append(Comment(lines: lines, startLine: startLine, endLine: line))
  }

  private static func stripOneSpace(_ text: String) -> String {
    text.first == " " ? String(text.dropFirst()) : text
  }

  private static func trimTrailingWhitespace(_ text: String) -> String {
    var text = Substring(text)
    while let last = text.last, last == " " || last == "\t" || last == "\r" {
      text = text.dropLast()
    }
    return String(text)
  }

  private mutating func number() throws(CodeGenError) {
    let (startLine, startColumn, start) = (line, column, offset)
    var kind = ProtoToken.Kind.integer
    if peek() == UInt8(ascii: "0"), peek(1) == UInt8(ascii: "x") || peek(1) == UInt8(ascii: "X") {
      offset += 2
      guard peek()?.isHexDigit == true else {
        throw error("expected hexadecimal digits after \"0x\"")
      }
      while peek()?.isHexDigit == true { offset += 1 }
    } else {
      while peek()?.isDigit == true { offset += 1 }
      if peek() == UInt8(ascii: ".") {
        kind = .float
        offset += 1
        while peek()?.isDigit == true { offset += 1 }
      }
      if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
        kind = .float
        offset += 1
        if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { offset += 1 }
        guard peek()?.isDigit == true else {
          throw error("expected digits in the exponent of a number")
        }
        while peek()?.isDigit == true { offset += 1 }
      }
      let digits = bytes[start ..< offset]
      if kind == .integer, digits.count > 1, digits.first == UInt8(ascii: "0"),
        digits.contains(where: { $0 > UInt8(ascii: "7") })
      {
        throw error(
          "numbers starting with 0 are octal and may only contain the digits 0 to 7",
          line: startLine,
          column: startColumn
        )
      }
    }
    if let byte = peek(), byte.isIdentifierStart || byte == UInt8(ascii: ".") {
      throw error("a number must be followed by a space or punctuation, not \(describe(byte))")
    }
    append(kind, line: startLine, column: startColumn, start: start)
  }

  private mutating func string(quote: UInt8) throws(CodeGenError) {
    let (startLine, startColumn, start) = (line, column, offset)
    offset += 1
    var value: [UInt8] = []
    while true {
      guard let byte = peek(), byte != UInt8(ascii: "\n") else {
        throw error(
          "string literal is not closed before the end of the line",
          line: startLine,
          column: startColumn
        )
      }
      offset += 1
      if byte == quote { break }
      if byte == UInt8(ascii: "\\") {
        try escape(into: &value)
      } else {
        value.append(byte)
      }
    }
    append(
      .string,
      line: startLine,
      column: startColumn,
      start: start,
      text: String(decoding: value, as: UTF8.self)
    )
  }

  /// Decodes the escape sequence after a backslash.
  private mutating func escape(into value: inout [UInt8]) throws(CodeGenError) {
    let escapeColumn = column - 1
    guard let byte = peek() else { throw error("string literal ends inside an escape sequence") }
    offset += 1
    switch byte {
    case UInt8(ascii: "a"): value.append(0x07)
    case UInt8(ascii: "b"): value.append(0x08)
    case UInt8(ascii: "f"): value.append(0x0C)
    case UInt8(ascii: "n"): value.append(0x0A)
    case UInt8(ascii: "r"): value.append(0x0D)
    case UInt8(ascii: "t"): value.append(0x09)
    case UInt8(ascii: "v"): value.append(0x0B)
    case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "?"):
      value.append(byte)
    case UInt8(ascii: "x"), UInt8(ascii: "X"):
      guard let number = digits(radix: 16, maximum: 2) else {
        throw error(
          "\"\\x\" must be followed by one or two hexadecimal digits",
          column: escapeColumn
        )
      }
      value.append(UInt8(number.value))
    case UInt8(ascii: "0") ... UInt8(ascii: "7"):
      offset -= 1
      let number = digits(radix: 8, maximum: 3)!
      value.append(UInt8(truncatingIfNeeded: number.value))
    case UInt8(ascii: "u"), UInt8(ascii: "U"):
      try unicodeEscape(
        width: byte == UInt8(ascii: "u") ? 4 : 8,
        column: escapeColumn,
        into: &value
      )
    default:
      throw error(
        "invalid escape sequence \"\\\(Character(Unicode.Scalar(byte)))\" in a string literal",
        column: escapeColumn
      )
    }
  }

  /// Decodes `\uXXXX` or `\UXXXXXXXX` (the backslash and letter are consumed), joining a UTF-16
  /// surrogate pair written as two `\u` escapes.
  private mutating func unicodeEscape(
    width: Int,
    column escapeColumn: Int,
    into value: inout [UInt8]
  ) throws(CodeGenError) {
    let invalid = error(
      "\"\\\(width == 4 ? "u" : "U")\" must be followed by \(width) hexadecimal digits of a Unicode scalar",
      column: escapeColumn
    )
    guard let number = digits(radix: 16, maximum: width), number.count == width else {
      throw invalid
    }
    var scalarValue = number.value
    if (0xD800 ..< 0xDC00).contains(scalarValue), peek() == UInt8(ascii: "\\"),
      peek(1) == UInt8(ascii: "u")
    {
      offset += 2
      guard let low = digits(radix: 16, maximum: 4), low.count == 4,
        (0xDC00 ..< 0xE000).contains(low.value)
      else {
        throw invalid
      }
      scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low.value - 0xDC00)
    }
    guard let scalar = Unicode.Scalar(scalarValue) else { throw invalid }
    value.append(contentsOf: Array(String(Character(scalar)).utf8))
  }

  /// Reads up to `maximum` digits; nil when there is none.
  private mutating func digits(radix: UInt32, maximum: Int) -> (value: UInt32, count: Int)? {
    var value: UInt32 = 0
    var count = 0
    while count < maximum, let byte = peek(), let digit = byte.digitValue(radix: radix) {
      value = value * radix + digit
      count += 1
      offset += 1
    }
    return count == 0 ? nil : (value, count)
  }
}

extension UInt8 {
  fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }

  fileprivate var isHexDigit: Bool { digitValue(radix: 16) != nil }

  fileprivate var isIdentifierStart: Bool {
    (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z"))
      || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z")) || self == UInt8(ascii: "_")
  }

  fileprivate func digitValue(radix: UInt32) -> UInt32? {
    let value: UInt32
    switch self {
    case UInt8(ascii: "0") ... UInt8(ascii: "9"): value = UInt32(self - UInt8(ascii: "0"))
    case UInt8(ascii: "a") ... UInt8(ascii: "f"): value = UInt32(self - UInt8(ascii: "a")) + 10
    case UInt8(ascii: "A") ... UInt8(ascii: "F"): value = UInt32(self - UInt8(ascii: "A")) + 10
    default: return nil
    }
    return value < radix ? value : nil
  }
}
