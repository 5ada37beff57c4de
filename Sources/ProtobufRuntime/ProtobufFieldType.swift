/// How one protobuf field type is sized, written and read, independent of field number.
///
/// Generated code names these types (`ProtobufString`, `ProtobufSInt64`, `ProtobufMessageField<M>`)
/// and the runtime's generic helpers do the rest, so every scalar rule lives in one place.
public protocol ProtobufFieldType {
  associatedtype Value: Hashable & Sendable
  /// The type's name in `.proto` syntax, for error messages.
  static var protoTypeName: String { get }
  static var wireType: WireType { get }
  /// Whether a repeated field of this type may be packed.
  static var isPackable: Bool { get }
  /// proto3's default value: zero, false, empty.
  static var defaultValue: Value { get }
  static func isDefault(_ value: Value) -> Bool
  /// Bytes the value takes on the wire, length prefix included, tag excluded.
  static func encodedSize(of value: Value) -> Int
  /// Writes the value (length prefix included, tag excluded).
  static func write(_ value: Value, to encoder: inout ProtobufEncoder)
  /// Reads one value whose tag has been read.
  static func read(from decoder: inout ProtobufDecoder) throws(WireDecodingError) -> Value
}

extension ProtobufFieldType {
  @inlinable public static var isPackable: Bool { wireType != .lengthDelimited }

  /// How many elements a packed run of `bytes` holds, so decoding can reserve the array once:
  /// exact for fixed-width types, and for varints the count of final bytes (high bit clear).
  @inlinable
  static func packedElementCount(in bytes: UnsafeRawBufferPointer) -> Int {
    switch wireType {
    case .fixed32: return bytes.count / 4
    case .fixed64: return bytes.count / 8
    case .varint:
      var count = 0
      for byte in bytes where byte < 0x80 { count &+= 1 }
      return count
    default: return 0
    }
  }
}

/// A field type written as a varint.
public protocol ProtobufVarintFieldType: ProtobufFieldType {
  static func varint(of value: Value) -> UInt64
  static func value(ofVarint varint: UInt64) -> Value
}

extension ProtobufVarintFieldType {
  @inlinable public static var wireType: WireType { .varint }
  @inlinable public static func encodedSize(of value: Value) -> Int { ProtobufSize.varint(varint(of: value)) }
  @inlinable public static func write(_ value: Value, to encoder: inout ProtobufEncoder) {
    encoder.writeVarint(varint(of: value))
  }
  @inlinable public static func read(from decoder: inout ProtobufDecoder) throws(WireDecodingError) -> Value {
    value(ofVarint: try decoder.readVarint())
  }
}

/// `int32`: a negative value takes 10 bytes (sign-extended to 64 bits), as protobuf requires.
public enum ProtobufInt32: ProtobufVarintFieldType {
  public static let protoTypeName = "int32"
  @inlinable public static var defaultValue: Int32 { 0 }
  @inlinable public static func isDefault(_ value: Int32) -> Bool { value == 0 }
  @inlinable public static func varint(of value: Int32) -> UInt64 { UInt64(bitPattern: Int64(value)) }
  @inlinable public static func value(ofVarint varint: UInt64) -> Int32 { Int32(truncatingIfNeeded: varint) }
}

public enum ProtobufInt64: ProtobufVarintFieldType {
  public static let protoTypeName = "int64"
  @inlinable public static var defaultValue: Int64 { 0 }
  @inlinable public static func isDefault(_ value: Int64) -> Bool { value == 0 }
  @inlinable public static func varint(of value: Int64) -> UInt64 { UInt64(bitPattern: value) }
  @inlinable public static func value(ofVarint varint: UInt64) -> Int64 { Int64(bitPattern: varint) }
}

public enum ProtobufUInt32: ProtobufVarintFieldType {
  public static let protoTypeName = "uint32"
  @inlinable public static var defaultValue: UInt32 { 0 }
  @inlinable public static func isDefault(_ value: UInt32) -> Bool { value == 0 }
  @inlinable public static func varint(of value: UInt32) -> UInt64 { UInt64(value) }
  @inlinable public static func value(ofVarint varint: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: varint) }
}

public enum ProtobufUInt64: ProtobufVarintFieldType {
  public static let protoTypeName = "uint64"
  @inlinable public static var defaultValue: UInt64 { 0 }
  @inlinable public static func isDefault(_ value: UInt64) -> Bool { value == 0 }
  @inlinable public static func varint(of value: UInt64) -> UInt64 { value }
  @inlinable public static func value(ofVarint varint: UInt64) -> UInt64 { varint }
}

/// `sint32`: ZigZag-encoded.
public enum ProtobufSInt32: ProtobufVarintFieldType {
  public static let protoTypeName = "sint32"
  @inlinable public static var defaultValue: Int32 { 0 }
  @inlinable public static func isDefault(_ value: Int32) -> Bool { value == 0 }
  @inlinable public static func varint(of value: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: (value &<< 1) ^ (value &>> 31)))
  }
  @inlinable public static func value(ofVarint varint: UInt64) -> Int32 {
    let bits = UInt32(truncatingIfNeeded: varint)
    return Int32(bitPattern: (bits &>> 1) ^ (0 &- (bits & 1)))
  }
}

/// `sint64`: ZigZag-encoded.
public enum ProtobufSInt64: ProtobufVarintFieldType {
  public static let protoTypeName = "sint64"
  @inlinable public static var defaultValue: Int64 { 0 }
  @inlinable public static func isDefault(_ value: Int64) -> Bool { value == 0 }
  @inlinable public static func varint(of value: Int64) -> UInt64 {
    UInt64(bitPattern: (value &<< 1) ^ (value &>> 63))
  }
  @inlinable public static func value(ofVarint varint: UInt64) -> Int64 {
    Int64(bitPattern: (varint &>> 1) ^ (0 &- (varint & 1)))
  }
}

public enum ProtobufBool: ProtobufVarintFieldType {
  public static let protoTypeName = "bool"
  @inlinable public static var defaultValue: Bool { false }
  @inlinable public static func isDefault(_ value: Bool) -> Bool { !value }
  @inlinable public static func encodedSize(of value: Bool) -> Int { 1 }
  @inlinable public static func varint(of value: Bool) -> UInt64 { value ? 1 : 0 }
  @inlinable public static func value(ofVarint varint: UInt64) -> Bool { varint != 0 }
}

/// A proto3 enum field: the number as an `int32` varint; unknown numbers are kept.
public enum ProtobufEnumField<E: ProtobufEnum>: ProtobufVarintFieldType {
  @inlinable public static var protoTypeName: String { "enum" }
  @inlinable public static var defaultValue: E { E() }
  @inlinable public static func isDefault(_ value: E) -> Bool { value.rawValue == 0 }
  @inlinable public static func varint(of value: E) -> UInt64 { UInt64(bitPattern: Int64(value.rawValue)) }
  @inlinable public static func value(ofVarint varint: UInt64) -> E { E(rawValue: Int32(truncatingIfNeeded: varint)) }
}
