/// Exact encoded sizes, used by generated `encodedSize()` implementations.
public enum ProtobufSize {
  /// Bytes a varint takes: 1 to 10.
  @inlinable
  public static func varint(_ value: UInt64) -> Int {
    // 1 byte per 7 significant bits; 0 still takes one byte.
    let bits = 64 &- (value | 1).leadingZeroBitCount
    return (bits &+ 6) / 7
  }

  /// Bytes the tag of field `number` takes.
  @inlinable
  public static func tag(number: Int) -> Int {
    varint(UInt64(truncatingIfNeeded: number &<< 3))
  }

  /// Bytes of a length prefix plus `length` bytes of payload.
  @inlinable
  public static func lengthDelimited(_ length: Int) -> Int {
    varint(UInt64(length)) &+ length
  }

  /// Bytes field `number` takes: tag plus value.
  @inlinable
  public static func field<F: ProtobufFieldType>(_ type: F.Type, _ value: F.Value, number: Int) -> Int {
    tag(number: number) &+ F.encodedSize(of: value)
  }

  /// Bytes field `number` takes under implicit presence: 0 for the default value.
  @inlinable
  public static func implicitField<F: ProtobufFieldType>(_ type: F.Type, _ value: F.Value, number: Int) -> Int {
    F.isDefault(value) ? 0 : field(type, value, number: number)
  }

  /// Bytes a repeated field takes, packed or not.
  @inlinable
  public static func repeated<F: ProtobufFieldType>(
    _ type: F.Type,
    _ values: [F.Value],
    number: Int,
    packed: Bool
  ) -> Int {
    guard !values.isEmpty else { return 0 }
    var payload = 0
    for value in values { payload &+= F.encodedSize(of: value) }
    if packed {
      return tag(number: number) &+ lengthDelimited(payload)
    }
    return payload &+ values.count &* tag(number: number)
  }

  /// Bytes the body of one map entry takes (key = 1, value = 2), without its tag and length.
  @inlinable
  public static func mapEntry<K: ProtobufFieldType, V: ProtobufFieldType>(
    _ keyType: K.Type,
    _ valueType: V.Type,
    key: K.Value,
    value: V.Value
  ) -> Int {
    field(K.self, key, number: 1) &+ field(V.self, value, number: 2)
  }

  /// Bytes a map field takes.
  @inlinable
  public static func map<K: ProtobufFieldType, V: ProtobufFieldType>(
    _ keyType: K.Type,
    _ valueType: V.Type,
    _ map: [K.Value: V.Value],
    number: Int
  ) -> Int where K.Value: Hashable {
    var total = 0
    let tagSize = tag(number: number)
    for (key, value) in map {
      total &+= tagSize &+ lengthDelimited(mapEntry(K.self, V.self, key: key, value: value))
    }
    return total
  }
}
