public enum ProtobufFixed32: ProtobufFieldType {
  public static let protoTypeName = "fixed32"
  @inlinable public static var wireType: WireType { .fixed32 }
  @inlinable public static var defaultValue: UInt32 { 0 }
  @inlinable public static func isDefault(_ value: UInt32) -> Bool { value == 0 }
  @inlinable public static func encodedSize(of value: UInt32) -> Int { 4 }
  @inlinable public static func write(_ value: UInt32, to encoder: inout ProtobufEncoder) {
    encoder.writeFixed32(value)
  }
  @inlinable public static func read(from decoder: inout ProtobufDecoder) throws(WireDecodingError) -> UInt32 {
    try decoder.readFixed32()
  }
}

public enum ProtobufFixed64: ProtobufFieldType {
  public static let protoTypeName = "fixed64"
  @inlinable public static var wireType: WireType { .fixed64 }
  @inlinable public static var defaultValue: UInt64 { 0 }
  @inlinable public static func isDefault(_ value: UInt64) -> Bool { value == 0 }
  @inlinable public static func encodedSize(of value: UInt64) -> Int { 8 }
  @inlinable public static func write(_ value: UInt64, to encoder: inout ProtobufEncoder) {
    encoder.writeFixed64(value)
  }
  @inlinable public static func read(from decoder: inout ProtobufDecoder) throws(WireDecodingError) -> UInt64 {
    try decoder.readFixed64()
  }
}

public enum ProtobufSFixed32: ProtobufFieldType {
  public static let protoTypeName = "sfixed32"
  @inlinable public static var wireType: WireType { .fixed32 }
  @inlinable public static var defaultValue: Int32 { 0 }
  @inlinable public static func isDefault(_ value: Int32) -> Bool { value == 0 }
  @inlinable public static func encodedSize(of value: Int32) -> Int { 4 }
  @inlinable public static func write(_ value: Int32, to encoder: inout ProtobufEncoder) {
    encoder.writeFixed32(UInt32(bitPattern: value))
  }
  @inlinable public static func read(from decoder: inout ProtobufDecoder) throws(WireDecodingError) -> Int32 {
    Int32(bitPattern: try decoder.readFixed32())
  }
}

public enum ProtobufSFixed64: ProtobufFieldType {
  public static let protoTypeName = "sfixed64"
  @inlinable public static var wireType: WireType { .fixed64 }
  @inlinable public static var defaultValue: Int64 { 0 }
  @inlinable public static func isDefault(_ value: Int64) -> Bool { value == 0 }
  @inlinable public static func encodedSize(of value: Int64) -> Int { 8 }
  @inlinable public static func write(_ value: Int64, to encoder: inout ProtobufEncoder) {
    encoder.writeFixed64(UInt64(bitPattern: value))
  }
  @inlinable public static func read(from decoder: inout ProtobufDecoder) throws(WireDecodingError) -> Int64 {
    Int64(bitPattern: try decoder.readFixed64())
  }
}

/// `float`. Implicit presence compares bit patterns, so `-0.0` is written (as protobuf C++ does).
public enum ProtobufFloat: ProtobufFieldType {
  public static let protoTypeName = "float"
  @inlinable public static var wireType: WireType { .fixed32 }
  @inlinable public static var defaultValue: Float { 0 }
  @inlinable public static func isDefault(_ value: Float) -> Bool { value.bitPattern == 0 }
  @inlinable public static func encodedSize(of value: Float) -> Int { 4 }
  @inlinable public static func write(_ value: Float, to encoder: inout ProtobufEncoder) {
    encoder.writeFixed32(value.bitPattern)
  }
  @inlinable public static func read(from decoder: inout ProtobufDecoder) throws(WireDecodingError) -> Float {
    Float(bitPattern: try decoder.readFixed32())
  }
}

/// `double`. Implicit presence compares bit patterns, so `-0.0` is written (as protobuf C++ does).
public enum ProtobufDouble: ProtobufFieldType {
  public static let protoTypeName = "double"
  @inlinable public static var wireType: WireType { .fixed64 }
  @inlinable public static var defaultValue: Double { 0 }
  @inlinable public static func isDefault(_ value: Double) -> Bool { value.bitPattern == 0 }
  @inlinable public static func encodedSize(of value: Double) -> Int { 8 }
  @inlinable public static func write(_ value: Double, to encoder: inout ProtobufEncoder) {
    encoder.writeFixed64(value.bitPattern)
  }
  @inlinable public static func read(from decoder: inout ProtobufDecoder) throws(WireDecodingError) -> Double {
    Double(bitPattern: try decoder.readFixed64())
  }
}
