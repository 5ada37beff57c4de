/// Writes text as a quoted string literal: a JSON string (RFC 8259) for the log lines of
/// `chat-server` and the output of `chat-client`, or a Swift string literal for the generator.
/// One escaper, so the three cannot drift apart.
package enum QuotedString {
  /// The literal syntax.
  package enum Syntax: Sendable {
    /// `"…"` with `\"`, `\\`, `\n`, `\r`, `\t` and `\u00XX` for the other control characters.
    case json
    /// `"…"` with `\"`, `\\`, `\n`, `\r`, `\t` and `\u{XX}` for the other control characters and
    /// DEL, which Swift does not accept raw in a literal.
    case swift
  }

  /// Appends `text`, quoted and escaped, to `output`.
  package static func append(_ text: String, as syntax: Syntax, to output: inout String) {
    output += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case let scalar where scalar.value < 0x20 || (syntax == .swift && scalar.value == 0x7F):
        let hex = String(scalar.value, radix: 16)
        switch syntax {
        case .json: output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        case .swift: output += "\\u{" + hex + "}"
        }
      default:
        output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }

  /// `text` quoted and escaped.
  package static func quoted(_ text: String, as syntax: Syntax) -> String {
    var output = ""
    Self.append(text, as: syntax, to: &output)
    return output
  }
}
