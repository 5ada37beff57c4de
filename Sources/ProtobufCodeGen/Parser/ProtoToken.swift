/// One token of `.proto` source text, with the comments around it.
struct ProtoToken: Hashable, Sendable {
  enum Kind: Hashable, Sendable {
    /// A name or keyword (`message`, `int32`, `Foo`).
    case identifier
    /// An integer literal as written (`42`, `0x2A`, `052`).
    case integer
    /// A floating-point literal as written (`1.5`, `1e10`, `.5`).
    case float
    /// A string literal; ``ProtoToken/text`` holds the decoded value.
    case string
    /// One punctuation character (`{`, `;`, `=`).
    case symbol
    case endOfFile
  }

  var kind: Kind
  /// The source text, except for strings, whose escapes are decoded.
  var text: String
  /// 1-based line of the first character.
  var line: Int
  /// 1-based column of the first character, in UTF-8 bytes.
  var column: Int
  /// Line of the last character.
  var endLine: Int
  /// Byte offsets of the token in the source.
  var start: Int
  var end: Int
  /// The comment block right before the token, not separated from it by a blank line.
  var leadingComments: [String] = []
  /// A comment starting on the line where the token ends, after it.
  var trailingComment: String?

  /// Whether the token is the identifier or symbol `text`.
  func isKeyword(_ keyword: String) -> Bool {
    (kind == .identifier || kind == .symbol) && text == keyword
  }

  /// How diagnostics name the token: `"}"`, `a string`, `end of file`.
  var quoted: String {
    switch kind {
    case .endOfFile: "end of file"
    case .string: "a string"
    default: "\"\(text)\""
    }
  }
}
