/// Writes protobuf wire format into memory whose exact size was computed beforehand.
///
/// A message is encoded in two passes: `encodedSize()` computes the exact byte count, then
/// `encode(to:)` writes into one contiguous buffer of that size without bounds growth or copies.
/// Writing past the buffer is a programming error in a message's `encodedSize()` and traps.
public struct ProtobufEncoder {
  @usableFromInline var pointer: UnsafeMutableRawPointer
  @usableFromInline let end: UnsafeMutableRawPointer

  /// Creates an encoder that writes from the start of `buffer`.
  @inlinable
  public init(_ buffer: UnsafeMutableRawBufferPointer) {
    let base = buffer.baseAddress ?? UnsafeMutableRawPointer(bitPattern: 0x10)!
    self.pointer = base
    self.end = base + buffer.count
  }

  /// Bytes left between the write position and the end of the buffer.
  @inlinable
  public var remainingCapacity: Int { end - pointer }

  @inlinable
  mutating func ensure(_ count: Int) {
    precondition(end - pointer >= count, "encodedSize() disagreed with encode(to:)")
  }

  /// Writes `value` as a base-128 varint.
  @inlinable
  public mutating func writeVarint(_ value: UInt64) {
    if value < 0x80, pointer < end {
      pointer.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
      pointer += 1
      return
    }
    // One capacity check for the whole varint: exact near the end, cheap (10 bytes) elsewhere.
    if end - pointer < 10 { ensure(ProtobufSize.varint(value)) }
    var value = value
    while value >= 0x80 {
      pointer.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, as: UInt8.self)
      pointer += 1
      value &>>= 7
    }
    pointer.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
    pointer += 1
  }

  /// Writes the tag of field `number` with `wireType`.
  @inlinable
  public mutating func writeTag(number: Int, wireType: WireType) {
    writeVarint(UInt64(truncatingIfNeeded: number &<< 3) | UInt64(wireType.rawValue))
  }

  @inlinable
  public mutating func writeFixed32(_ value: UInt32) {
    ensure(4)
    pointer.storeBytes(of: value.littleEndian, as: UInt32.self)
    pointer += 4
  }

  @inlinable
  public mutating func writeFixed64(_ value: UInt64) {
    ensure(8)
    pointer.storeBytes(of: value.littleEndian, as: UInt64.self)
    pointer += 8
  }

  /// Copies `bytes` as they are (no length prefix).
  @inlinable
  public mutating func writeRawBytes(_ bytes: UnsafeRawBufferPointer) {
    guard let source = bytes.baseAddress, bytes.count > 0 else { return }
    ensure(bytes.count)
    pointer.copyMemory(from: source, byteCount: bytes.count)
    pointer += bytes.count
  }

  /// Writes a length prefix followed by `bytes`.
  @inlinable
  public mutating func writeLengthDelimited(_ bytes: UnsafeRawBufferPointer) {
    writeVarint(UInt64(bytes.count))
    writeRawBytes(bytes)
  }

  /// Writes a length prefix followed by the UTF-8 of `string`.
  @inlinable
  public mutating func writeString(_ string: String) {
    // withUTF8 gives native strings' storage directly; only a bridged string would be copied.
    var string = string
    string.withUTF8 { writeLengthDelimited(UnsafeRawBufferPointer($0)) }
  }

  /// Writes field `number` (tag and value) unconditionally.
  @inlinable
  public mutating func writeField<F: ProtobufFieldType>(_ type: F.Type, _ value: F.Value, number: Int) {
    writeTag(number: number, wireType: F.wireType)
    F.write(value, to: &self)
  }

  /// Writes field `number` unless `value` is the type's default (proto3 implicit presence).
  @inlinable
  public mutating func writeImplicitField<F: ProtobufFieldType>(_ type: F.Type, _ value: F.Value, number: Int) {
    if !F.isDefault(value) { writeField(type, value, number: number) }
  }

  /// Writes a repeated field: one length-delimited run when `packed`, else a tag per element.
  @inlinable
  public mutating func writeRepeated<F: ProtobufFieldType>(
    _ type: F.Type,
    _ values: [F.Value],
    number: Int,
    packed: Bool
  ) {
    guard !values.isEmpty else { return }
    if packed {
      writeTag(number: number, wireType: .lengthDelimited)
      var length = 0
      for value in values { length &+= F.encodedSize(of: value) }
      writeVarint(UInt64(length))
      for value in values { F.write(value, to: &self) }
    } else {
      for value in values { writeField(type, value, number: number) }
    }
  }

  /// Writes a map field: one entry message (key = 1, value = 2) per element.
  ///
  /// Entries are written in the dictionary's order; protobuf does not define an order for maps.
  @inlinable
  public mutating func writeMap<K: ProtobufFieldType, V: ProtobufFieldType>(
    _ keyType: K.Type,
    _ valueType: V.Type,
    _ map: [K.Value: V.Value],
    number: Int
  ) where K.Value: Hashable {
    for (key, value) in map {
      writeTag(number: number, wireType: .lengthDelimited)
      writeVarint(UInt64(ProtobufSize.mapEntry(K.self, V.self, key: key, value: value)))
      writeField(K.self, key, number: 1)
      writeField(V.self, value, number: 2)
    }
  }

  /// Writes the raw bytes of unknown fields back out.
  @inlinable
  public mutating func writeUnknownFields(_ fields: UnknownFields) {
    fields.bytes.withUnsafeBytes { writeRawBytes($0) }
  }
}
