/// `string`: UTF-8, validated when read.
public enum ProtobufString: ProtobufFieldType {
  public static let protoTypeName = "string"
  @inlinable public static var wireType: WireType { .lengthDelimited }
  @inlinable public static var defaultValue: String { "" }
  @inlinable public static func isDefault(_ value: String) -> Bool { value.isEmpty }
  @inlinable public static func encodedSize(of value: String) -> Int {
    ProtobufSize.lengthDelimited(value.utf8.count)
  }
  @inlinable public static func write(_ value: String, to encoder: inout ProtobufEncoder) {
    encoder.writeString(value)
  }
  @inlinable public static func read(from decoder: inout ProtobufDecoder) throws(WireDecodingError) -> String {
    let bytes = try decoder.readLengthDelimited()
    if bytes.isEmpty { return "" }
    // `_tryFromUTF8` validates without the generic-metadata lookups `String(validating:as:)` costs per call.
    guard let string = String._tryFromUTF8(bytes.bindMemory(to: UInt8.self)) else {
      throw WireDecodingError(.invalidUTF8, "string is not valid UTF-8", offset: decoder.offset - bytes.count)
    }
    return string
  }
}

/// `bytes`, as `[UInt8]`.
public enum ProtobufBytes: ProtobufFieldType {
  public static let protoTypeName = "bytes"
  @inlinable public static var wireType: WireType { .lengthDelimited }
  @inlinable public static var defaultValue: [UInt8] { [] }
  @inlinable public static func isDefault(_ value: [UInt8]) -> Bool { value.isEmpty }
  @inlinable public static func encodedSize(of value: [UInt8]) -> Int {
    ProtobufSize.lengthDelimited(value.count)
  }
  @inlinable public static func write(_ value: [UInt8], to encoder: inout ProtobufEncoder) {
    value.withUnsafeBytes { encoder.writeLengthDelimited($0) }
  }
  @inlinable public static func read(from decoder: inout ProtobufDecoder) throws(WireDecodingError) -> [UInt8] {
    Array(try decoder.readLengthDelimited())
  }
}

/// A message-typed field (repeated elements, map values and oneof members; singular message fields
/// use ``ProtobufDecoder/mergeMessage(into:number:wireType:)`` to merge repeated occurrences).
public enum ProtobufMessageField<M: ProtobufMessage>: ProtobufFieldType {
  @inlinable public static var protoTypeName: String { M.protoMessageName }
  @inlinable public static var wireType: WireType { .lengthDelimited }
  @inlinable public static var defaultValue: M { M() }
  @inlinable public static func isDefault(_ value: M) -> Bool { false }
  @inlinable public static func encodedSize(of value: M) -> Int {
    ProtobufSize.lengthDelimited(value.encodedSize())
  }
  @inlinable public static func write(_ value: M, to encoder: inout ProtobufEncoder) {
    encoder.writeVarint(UInt64(value.encodedSize()))
    value.encode(to: &encoder)
  }
  @inlinable public static func read(from decoder: inout ProtobufDecoder) throws(WireDecodingError) -> M {
    let bytes = try decoder.readLengthDelimited()
    var nested = try ProtobufDecoder(nested: bytes, of: decoder)
    var message = M()
    try nested.decodeFields(into: &message)
    return message
  }
}
