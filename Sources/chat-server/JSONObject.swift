import Logging
import ProtobufRuntime

/// Builds one JSON object as text, keys in the order they are added.
struct JSONObject {
  private(set) var body = ""

  /// The object's text, `{…}`.
  var text: String { "{" + self.body + "}" }

  mutating func add(_ key: String, string: String) {
    self.addKey(key)
    Self.appendQuoted(string, to: &self.body)
  }

  mutating func add(_ key: String, integer: Int) {
    self.addKey(key)
    self.body += String(integer)
  }

  mutating func add(_ key: String, value: Logger.Metadata.Value) {
    self.addKey(key)
    Self.append(value, to: &self.body)
  }

  private mutating func addKey(_ key: String) {
    if !self.body.isEmpty { self.body += "," }
    Self.appendQuoted(key, to: &self.body)
    self.body += ":"
  }

  private static func append(_ value: Logger.Metadata.Value, to text: inout String) {
    switch value {
    case .string(let string):
      Self.appendQuoted(string, to: &text)
    case .stringConvertible(let value):
      switch value {
      case let number as any BinaryInteger: text += "\(number)"
      case let number as Double where number.isFinite: text += "\(number)"
      case let flag as Bool: text += flag ? "true" : "false"
      default: Self.appendQuoted(value.description, to: &text)
      }
    case .array(let values):
      text += "["
      for (index, element) in values.enumerated() {
        if index > 0 { text += "," }
        Self.append(element, to: &text)
      }
      text += "]"
    case .dictionary(let dictionary):
      var object = JSONObject()
      for key in dictionary.keys.sorted() { object.add(key, value: dictionary[key]!) }
      text += object.text
    }
  }

  /// Appends `string` as a JSON string literal (RFC 8259 escapes).
  static func appendQuoted(_ string: String, to text: inout String) {
    QuotedString.append(string, as: .json, to: &text)
  }
}
