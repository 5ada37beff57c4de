/// Every problem found while loading a set of `.proto` files.
///
/// The resolver reports all the problems it finds, sorted by file, line and column; the parser stops
/// at the first syntax error of each file.
public struct CodeGenDiagnostics: Error, Hashable, Sendable, CustomStringConvertible {
  /// The problems, in the order to show them.
  public var errors: [CodeGenError]

  /// Creates diagnostics from `errors`, kept in the given order.
  public init(errors: [CodeGenError]) {
    self.errors = errors
  }

  /// One `file:line:column: error: message` line per error.
  public var description: String {
    errors.map(\.description).joined(separator: "\n")
  }
}
