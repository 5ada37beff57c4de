/// A position in a `.proto` source file, 1-based, for diagnostics.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  /// The file's path as the user named it (used verbatim in diagnostics).
  public var file: String
  /// 1-based line number.
  public var line: Int
  /// 1-based column number, counted in UTF-8 bytes.
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String { "\(file):\(line):\(column)" }
}
