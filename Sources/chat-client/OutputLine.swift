import ChatClient
import Foundation
import ProtobufRuntime

/// Writes whole lines straight to the file descriptors (no stdio buffering, so a pipe sees each
/// line at once).
enum OutputLine {
  /// Writes `message` as one JSON line on standard output:
  /// `{"message":"hi","timestamp":1700000000123,"user":"ada"}`, with `"id"` first when given.
  static func write(_ message: ChatMessage, id: String? = nil) {
    var line = "{"
    if let id {
      line += "\"id\":"
      Self.appendQuoted(id, to: &line)
      line += ","
    }
    line += "\"message\":"
    Self.appendQuoted(message.message, to: &line)
    line += ",\"timestamp\":\(message.timestamp),\"user\":"
    Self.appendQuoted(message.user, to: &line)
    line += "}\n"
    FileHandle.standardOutput.write(Data(line.utf8))
  }

  /// Writes `chat-client: <text>` as one line on standard error; newlines in `text` become
  /// spaces.
  static func writeError(_ text: String) {
    let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
    FileHandle.standardError.write(Data("chat-client: \(flat)\n".utf8))
  }

  private static func appendQuoted(_ string: String, to text: inout String) {
    QuotedString.append(string, as: .json, to: &text)
  }
}
