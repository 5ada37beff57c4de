/// The recursive-descent parser behind ``ProtoParser``: a cursor over the tokens of one file.
///
/// Each `parse…` method starts at the declaration's first token and stops after its last one.
/// The file-level statements are here; messages, enums, services and options have their own files.
struct ProtoFileParser {
  private let tokens: [ProtoToken]
  private var index = 0
  /// The source bytes, for aggregate option values kept as text.
  let source: [UInt8]
  let fileName: String
  let path: String

  init(source: String, fileName: String, path: String) throws(CodeGenError) {
    self.tokens = try ProtoLexer.tokenize(source, path: path)
    self.source = Array(source.utf8)
    self.fileName = fileName
    self.path = path
  }

  // MARK: Cursor

  var current: ProtoToken { tokens[index] }

  /// The token after ``current`` (the end-of-file token at the end).
  var next: ProtoToken { tokens[min(index + 1, tokens.count - 1)] }

  var atEnd: Bool { current.kind == .endOfFile }

  func location(_ token: ProtoToken) -> SourceLocation {
    SourceLocation(file: path, line: token.line, column: token.column)
  }

  /// Returns the current token and moves past it (staying on the end-of-file token).
  @discardableResult
  mutating func take() -> ProtoToken {
    let token = tokens[index]
    if index < tokens.count - 1 { index += 1 }
    return token
  }

  /// Takes the current token if it is the keyword or symbol `text`.
  mutating func consume(_ text: String) -> ProtoToken? {
    current.isKeyword(text) ? take() : nil
  }

  /// Takes the keyword or symbol `text`, or throws `expected "text" <context>, found "x"`.
  @discardableResult
  mutating func expect(_ text: String, _ context: String) throws(CodeGenError) -> ProtoToken {
    guard let token = consume(text) else {
      throw syntaxError("expected \"\(text)\" \(context), found \(current.quoted)")
    }
    return token
  }

  /// Takes an identifier, or throws `expected <what>, found "x"`.
  mutating func expectIdentifier(_ what: String) throws(CodeGenError) -> ProtoToken {
    guard current.kind == .identifier else {
      throw syntaxError("expected \(what), found \(current.quoted)")
    }
    return take()
  }

  /// A syntax error at the current token (or at `token`).
  func syntaxError(_ message: String, at token: ProtoToken? = nil) -> CodeGenError {
    CodeGenError(.syntaxError, message, at: location(token ?? current))
  }

  /// Reads one or more adjacent string literals as one string (`"a" "b"` is `"ab"`).
  mutating func parseStrings(_ what: String) throws(CodeGenError) -> String {
    guard current.kind == .string else {
      throw syntaxError("expected \(what), found \(current.quoted)")
    }
    var value = ""
    while current.kind == .string { value += take().text }
    return value
  }

  /// Reads an integer, with an optional minus sign, as written in decimal, hexadecimal or octal.
  ///
  /// - Returns: The value and the token where the number starts.
  mutating func parseSignedInteger(
    _ what: String
  ) throws(CodeGenError) -> (value: Int64, token: ProtoToken) {
    let first = current
    let negative = consume("-") != nil
    guard current.kind == .integer else {
      throw syntaxError("expected \(what), found \(current.quoted)")
    }
    let token = take()
    guard let magnitude = Self.integerValue(token.text),
      magnitude <= (negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max))
    else {
      throw syntaxError(
        "integer \(negative ? "-" : "")\(token.text) does not fit in 64 bits",
        at: token
      )
    }
    return (negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude), first)
  }

  /// The value of an integer literal: `0x` hexadecimal, `0` octal, or decimal; nil when it overflows.
  static func integerValue(_ text: String) -> UInt64? {
    if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
    if text.count > 1, text.hasPrefix("0") { return UInt64(text.dropFirst(), radix: 8) }
    return UInt64(text)
  }

  /// Reads a possibly dotted name (`Foo`, `.pkg.Foo`, `Outer.Inner`), keeping a leading dot.
  mutating func parseTypeName(
    _ what: String
  ) throws(CodeGenError) -> (name: String, token: ProtoToken) {
    let first = current
    var name = consume(".") != nil ? "." : ""
    name += try expectIdentifier(what).text
    while current.isKeyword(".") {
      take()
      name += "." + (try expectIdentifier("a name after \".\" in \"\(name).\"").text)
    }
    return (name, first)
  }

  // MARK: File

  mutating func parseFile() throws(CodeGenError) -> ProtoFile {
    var file = ProtoFile(name: fileName)
    try parseSyntax()
    var sawPackage = false
    while !atEnd {
      guard current.kind == .identifier || current.isKeyword(";") else {
        throw syntaxError(Self.expectedTopLevel + ", found \(current.quoted)")
      }
      switch current.text {
      case ";":
        take()
      case "import":
        file.imports.append(try parseImport())
      case "package":
        if sawPackage { throw syntaxError("a file may declare only one package") }
        sawPackage = true
        take()
        file.package = try parseTypeName("a package name after \"package\"").name
        if file.package.hasPrefix(".") {
          throw syntaxError("a package name cannot start with \".\"")
        }
        try expect(";", "after package name")
      case "option":
        file.options.append(try parseOptionStatement())
      case "message":
        file.messages.append(try parseMessage(scope: file.package))
      case "enum":
        file.enums.append(try parseEnum(scope: file.package))
      case "service":
        file.services.append(try parseService(scope: file.package))
      case "extend":
        throw Self.extendError(at: location(current))
      default:
        throw syntaxError(Self.expectedTopLevel + ", found \(current.quoted)")
      }
    }
    return file
  }

  private static let expectedTopLevel =
    "expected \"message\", \"enum\", \"service\", \"import\", \"package\" or \"option\""

  static func extendError(at location: SourceLocation) -> CodeGenError {
    CodeGenError(
      .syntaxError,
      "proto3 allows \"extend\" only to declare custom options, which this generator does not support",
      at: location
    )
  }

  /// `syntax = "proto3";`, which must be the first statement.
  private mutating func parseSyntax() throws(CodeGenError) {
    guard current.isKeyword("syntax") || current.isKeyword("edition") else {
      throw CodeGenError(
        .unsupportedSyntax,
        "the file must start with syntax = \"proto3\"; without it protoc assumes proto2, which is not supported",
        at: location(current)
      )
    }
    let keyword = take().text
    try expect("=", "after \"\(keyword)\"")
    let valueToken = current
    let value = try parseStrings("a string after \"\(keyword) =\"")
    guard keyword == "syntax", value == "proto3" else {
      throw CodeGenError(
        .unsupportedSyntax,
        "only proto3 is supported; this file declares \(keyword) \"\(value)\"",
        at: location(valueToken)
      )
    }
    try expect(";", "after the syntax statement")
  }

  /// `import [public | weak] "file.proto";`
  private mutating func parseImport() throws(CodeGenError) -> ProtoImport {
    let keyword = take()
    var kind = ProtoImport.Kind.normal
    if consume("public") != nil {
      kind = .public
    } else if consume("weak") != nil {
      kind = .weak
    }
    let path = try parseStrings("a file name in quotes after \"import\"")
    try expect(";", "after import statement")
    return ProtoImport(path: path, kind: kind, location: location(keyword))
  }
}
