import ChatAPI
import ProtobufRuntime

/// A message whose values print as the canonical line that `Reference/reference.c` prints for
/// the same values through libprotobuf-c's reflection. The grammar is defined once, in the
/// comment at the top of reference.c; this file mirrors it field by field.
protocol DifferentialDumpable {
  /// The canonical text of the message's values: fields in field-number order, scalars always,
  /// floats as bit patterns, strings and bytes as hex, maps sorted by key text.
  var canonicalLine: String { get }
}

/// Builds one canonical line.
struct DifferentialDump {
  private var text = "{"
  private var isFirstField = true

  init() {}

  /// Adds field `number` with the canonical text of its value.
  mutating func add(_ number: Int, _ value: String) {
    separate()
    text += "\(number):" + value
  }

  /// Adds the oneof group: its set member's number and value, or `none`.
  mutating func addOneof(_ member: (number: Int, value: String)?) {
    separate()
    if let member { text += "oneof:\(member.number)=" + member.value } else { text += "oneof:none" }
  }

  /// Ends the message, listing unknown fields if any.
  mutating func finish(unknownFields: UnknownFields) -> String {
    if !unknownFields.isEmpty {
      separate()
      text += "unknown:" + Self.hex(unknownFields.bytes)
    }
    return text + "}"
  }

  private mutating func separate() {
    if !isFirstField { text += "," }
    isFirstField = false
  }

  static func value(_ value: Int32) -> String { String(value) }
  static func value(_ value: Int64) -> String { String(value) }
  static func value(_ value: UInt32) -> String { String(value) }
  static func value(_ value: UInt64) -> String { String(value) }
  static func value(_ value: Bool) -> String { value ? "true" : "false" }
  static func value(_ value: Float) -> String {
    "f" + padded(String(value.bitPattern, radix: 16), to: 8)
  }
  static func value(_ value: Double) -> String {
    "d" + padded(String(value.bitPattern, radix: 16), to: 16)
  }
  static func value(_ value: String) -> String { "\"" + hex(Array(value.utf8)) + "\"" }
  static func value(_ value: [UInt8]) -> String { "'" + hex(value) + "'" }
  static func value<E: ProtobufEnum>(_ value: E) -> String { String(value.rawValue) }
  static func value<M: DifferentialDumpable>(_ value: M?) -> String {
    value?.canonicalLine ?? "null"
  }

  static func list<T>(_ values: [T], _ format: (T) -> String) -> String {
    "[" + values.map(format).joined(separator: ",") + "]"
  }

  /// `<key=value,...>` sorted by the key's text, byte by byte as C's strcmp does.
  static func map<K, V>(_ map: [K: V], _ key: (K) -> String, _ value: (V) -> String) -> String {
    let entries = map.map { (key: key($0.key), value: value($0.value)) }
      .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    return "<" + entries.map { $0.key + "=" + $0.value }.joined(separator: ",") + ">"
  }

  static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var utf8: [UInt8] = []
    utf8.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      utf8.append(digits[Int(byte >> 4)])
      utf8.append(digits[Int(byte & 15)])
    }
    return String(decoding: utf8, as: UTF8.self)
  }

  private static func padded(_ digits: String, to width: Int) -> String {
    String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}

extension ProtobufTest_Nested: DifferentialDumpable {
  var canonicalLine: String {
    typealias D = DifferentialDump
    var dump = DifferentialDump()
    dump.add(1, D.value(id))
    dump.add(2, D.value(name))
    dump.add(3, D.value(child))
    return dump.finish(unknownFields: unknownFields)
  }
}

extension ChatMessage: DifferentialDumpable {
  var canonicalLine: String {
    typealias D = DifferentialDump
    var dump = DifferentialDump()
    dump.add(1, D.value(user))
    dump.add(2, D.value(message))
    dump.add(3, D.value(timestamp))
    return dump.finish(unknownFields: unknownFields)
  }
}

extension ProtobufTest_RichMessage: DifferentialDumpable {
  var canonicalLine: String {
    typealias D = DifferentialDump
    var dump = DifferentialDump()
    dump.add(1, D.value(fDouble))
    dump.add(2, D.value(fFloat))
    dump.add(3, D.value(fInt32))
    dump.add(4, D.value(fInt64))
    dump.add(5, D.value(fUint32))
    dump.add(6, D.value(fUint64))
    dump.add(7, D.value(fSint32))
    dump.add(8, D.value(fSint64))
    dump.add(9, D.value(fFixed32))
    dump.add(10, D.value(fFixed64))
    dump.add(11, D.value(fSfixed32))
    dump.add(12, D.value(fSfixed64))
    dump.add(13, D.value(fBool))
    dump.add(14, D.value(fString))
    dump.add(15, D.value(fBytes))
    dump.add(16, D.value(fColor))
    dump.add(17, D.value(fNested))

    dump.add(21, D.list(rDouble, D.value))
    dump.add(22, D.list(rFloat, D.value))
    dump.add(23, D.list(rInt32, D.value))
    dump.add(24, D.list(rInt64, D.value))
    dump.add(25, D.list(rUint32, D.value))
    dump.add(26, D.list(rUint64, D.value))
    dump.add(27, D.list(rSint32, D.value))
    dump.add(28, D.list(rSint64, D.value))
    dump.add(29, D.list(rFixed32, D.value))
    dump.add(30, D.list(rFixed64, D.value))
    dump.add(31, D.list(rSfixed32, D.value))
    dump.add(32, D.list(rSfixed64, D.value))
    dump.add(33, D.list(rBool, D.value))
    dump.add(34, D.list(rString, D.value))
    dump.add(35, D.list(rBytes, D.value))
    dump.add(36, D.list(rColor, D.value))
    dump.add(37, D.list(rNested, \.canonicalLine))

    dump.add(41, D.list(uInt32, D.value))
    dump.add(42, D.list(uSint64, D.value))
    dump.add(43, D.list(uFixed32, D.value))
    dump.add(44, D.list(uDouble, D.value))
    dump.add(45, D.list(uColor, D.value))

    dump.add(51, D.map(mStringInt32, D.value, D.value))
    dump.add(52, D.map(mInt64String, D.value, D.value))
    dump.add(53, D.map(mUint32Nested, D.value, \.canonicalLine))
    dump.add(54, D.map(mSint32Color, D.value, D.value))
    dump.add(55, D.map(mBoolBytes, D.value, D.value))
    dump.add(56, D.map(mFixed64Double, D.value, D.value))

    switch choice {
    case .oString(let value)?: dump.addOneof((61, D.value(value)))
    case .oInt64(let value)?: dump.addOneof((62, D.value(value)))
    case .oNested(let value)?: dump.addOneof((63, value.canonicalLine))
    case .oColor(let value)?: dump.addOneof((64, D.value(value)))
    case nil: dump.addOneof(nil)
    }

    dump.add(536_870_911, D.value(fLargeNumber))
    return dump.finish(unknownFields: unknownFields)
  }
}
