/// Reads protobuf wire format from borrowed memory.
///
/// The decoder never copies the input: it walks a pointer through the caller's buffer, and bytes are
/// copied only when a field is materialised (a `String`, a `[UInt8]`, an unknown field). Every read is
/// bounds-checked and reports malformed input as a ``WireDecodingError``.
public struct ProtobufDecoder {
  @usableFromInline var pointer: UnsafeRawPointer
  @usableFromInline var end: UnsafeRawPointer
  @usableFromInline let start: UnsafeRawPointer
  @usableFromInline var depth: Int
  @usableFromInline let maximumDepth: Int

  /// Creates a decoder over `buffer`, which must stay valid while the decoder is used.
  @inlinable
  public init(_ buffer: UnsafeRawBufferPointer, options: ProtobufDecodingOptions = ProtobufDecodingOptions()) {
    let base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 0x10)!
    self.start = base
    self.pointer = base
    self.end = base + buffer.count
    self.depth = 0
    self.maximumDepth = options.maximumNestingDepth
  }

  /// Whether every byte of the current message has been read.
  @inlinable
  public var isAtEnd: Bool { pointer >= end }

  /// Byte offset of the read position from the start of the input.
  @inlinable
  public var offset: Int { pointer - start }

  @usableFromInline
  func error(_ code: WireDecodingError.Code, _ reason: String, field: Int? = nil) -> WireDecodingError {
    WireDecodingError(code, reason, offset: offset, fieldPath: field.map { [$0] } ?? [])
  }

  // MARK: Primitive reads

  /// Reads a base-128 varint of at most 10 bytes.
  @inlinable
  public mutating func readVarint() throws(WireDecodingError) -> UInt64 {
    if pointer < end {
      let first = pointer.load(as: UInt8.self)
      if first < 0x80 {
        pointer += 1
        return UInt64(first)
      }
    }
    return try readVarintSlow()
  }

  @usableFromInline
  mutating func readVarintSlow() throws(WireDecodingError) -> UInt64 {
    if end - pointer >= 10 {
      // Enough input for the longest varint: no bounds check per byte. Each step adds the next
      // byte and removes the previous byte's continuation bit (protobuf C++'s ReadVarint64FromArray).
      var byte = UInt64(pointer.load(as: UInt8.self))
      var result = byte
      for index in 1..<10 {
        result &-= 0x80 &<< UInt64(7 &* (index &- 1))
        byte = UInt64(pointer.load(fromByteOffset: index, as: UInt8.self))
        result &+= byte &<< UInt64(7 &* index)
        if byte < 0x80 {
          pointer += index &+ 1
          return result
        }
      }
      throw error(.malformedVarint, "varint is longer than 10 bytes")
    }
    var result: UInt64 = 0
    var shift: UInt64 = 0
    var cursor = pointer
    while true {
      guard cursor < end else {
        throw error(.truncated, "input ends inside a varint")
      }
      guard shift < 64 else {
        throw error(.malformedVarint, "varint is longer than 10 bytes")
      }
      let byte = cursor.load(as: UInt8.self)
      cursor += 1
      result |= UInt64(byte & 0x7F) &<< shift
      if byte < 0x80 { break }
      shift &+= 7
    }
    pointer = cursor
    return result
  }

  @inlinable
  public mutating func readFixed32() throws(WireDecodingError) -> UInt32 {
    guard end - pointer >= 4 else { throw error(.truncated, "input ends inside a 32-bit value") }
    let value = pointer.loadUnaligned(as: UInt32.self)
    pointer += 4
    return UInt32(littleEndian: value)
  }

  @inlinable
  public mutating func readFixed64() throws(WireDecodingError) -> UInt64 {
    guard end - pointer >= 8 else { throw error(.truncated, "input ends inside a 64-bit value") }
    let value = pointer.loadUnaligned(as: UInt64.self)
    pointer += 8
    return UInt64(littleEndian: value)
  }

  /// Reads a length prefix and returns the bytes it covers, borrowed from the input.
  @inlinable
  public mutating func readLengthDelimited() throws(WireDecodingError) -> UnsafeRawBufferPointer {
    let length = try readVarint()
    guard length <= UInt64(end - pointer) else {
      throw error(.lengthOutOfBounds, "length \(length) runs past the end of the input (\(end - pointer) bytes left)")
    }
    let bytes = UnsafeRawBufferPointer(start: pointer, count: Int(length))
    pointer += Int(length)
    return bytes
  }

  /// Reads a field's tag: its number and wire type.
  ///
  /// - Throws: ``WireDecodingError/Code/invalidFieldNumber`` for field 0 or a number above 536870911,
  ///   ``WireDecodingError/Code/unsupportedWireType`` for groups and wire types 6 and 7.
  @inlinable
  public mutating func readTag() throws(WireDecodingError) -> (number: Int, wireType: WireType) {
    // Fast path: fields 1 to 15 have one-byte tags.
    if pointer < end {
      let byte = pointer.load(as: UInt8.self)
      let wireBits = byte & 7
      if wireBits <= 2 || wireBits == 5 {
        // WireType is a @frozen UInt8 enum whose cases are declared in raw-value order 0...5, so
        // its representation is the raw value; 0, 1, 2 and 5 were just checked.
        if byte < 0x80, byte >= 8 {
          pointer += 1
          return (Int(byte &>> 3), unsafeBitCast(wireBits, to: WireType.self))
        }
        // Fields 16 to 2047 have two-byte tags.
        if byte >= 0x80, end - pointer >= 2 {
          let second = pointer.load(fromByteOffset: 1, as: UInt8.self)
          if second < 0x80, second > 0 {
            pointer += 2
            return ((Int(byte & 0x7F) &>> 3) | (Int(second) &<< 4), unsafeBitCast(wireBits, to: WireType.self))
          }
        }
      }
    }
    return try readTagSlow()
  }

  @usableFromInline
  mutating func readTagSlow() throws(WireDecodingError) -> (number: Int, wireType: WireType) {
    let tagOffset = pointer
    let tag = try readVarint()
    let number = tag &>> 3
    guard number != 0, number <= 536_870_911 else {
      pointer = tagOffset
      throw error(.invalidFieldNumber, "field number \(number) is invalid; field numbers are 1 to 536870911")
    }
    guard let wireType = WireType(rawValue: UInt8(truncatingIfNeeded: tag & 7)),
      wireType != .startGroup, wireType != .endGroup
    else {
      pointer = tagOffset
      throw error(
        .unsupportedWireType,
        "field \(number) has wire type \(tag & 7); groups (3, 4) are not supported and 6, 7 are undefined"
      )
    }
    return (Int(number), wireType)
  }

  // MARK: Fields

  @inlinable
  func wrongWireType<F: ProtobufFieldType>(_ type: F.Type, _ wireType: WireType, number: Int) -> WireDecodingError {
    error(
      .wrongWireType,
      "wire type \(wireType) does not fit its declared type \(F.protoTypeName), which needs \(F.wireType)",
      field: number
    )
  }

  /// Reads the value of field `number`, whose tag had `wireType`.
  @inlinable
  public mutating func readField<F: ProtobufFieldType>(
    _ type: F.Type,
    number: Int,
    wireType: WireType
  ) throws(WireDecodingError) -> F.Value {
    guard wireType == F.wireType else { throw wrongWireType(type, wireType, number: number) }
    do {
      return try F.read(from: &self)
    } catch {
      throw error.inField(number)
    }
  }

  /// Reads one occurrence of a repeated field, packed or not, appending to `values`.
  @inlinable
  public mutating func readRepeated<F: ProtobufFieldType>(
    _ type: F.Type,
    into values: inout [F.Value],
    number: Int,
    wireType: WireType
  ) throws(WireDecodingError) {
    if wireType == .lengthDelimited && F.isPackable {
      do {
        let bytes = try readLengthDelimited()
        values.reserveCapacity(values.count &+ F.packedElementCount(in: bytes))
        var packed = ProtobufDecoder(sub: bytes, of: self)
        while !packed.isAtEnd {
          values.append(try F.read(from: &packed))
        }
      } catch {
        throw error.inField(number)
      }
    } else {
      values.append(try readField(type, number: number, wireType: wireType))
    }
  }

  /// Reads one map entry of field `number` and stores it in `map` (a later entry for a key wins).
  @inlinable
  public mutating func readMapEntry<K: ProtobufFieldType, V: ProtobufFieldType>(
    _ keyType: K.Type,
    _ valueType: V.Type,
    into map: inout [K.Value: V.Value],
    number: Int,
    wireType: WireType
  ) throws(WireDecodingError) where K.Value: Hashable {
    guard wireType == .lengthDelimited else {
      throw error(.wrongWireType, "wire type \(wireType) does not fit a map entry, which needs 2 (length-delimited)", field: number)
    }
    do {
      let bytes = try readLengthDelimited()
      var entry = try ProtobufDecoder(nested: bytes, of: self)
      var key = K.defaultValue
      var value = V.defaultValue
      while !entry.isAtEnd {
        let (entryNumber, entryWireType) = try entry.readTag()
        switch entryNumber {
        case 1: key = try entry.readField(K.self, number: 1, wireType: entryWireType)
        case 2: value = try entry.readField(V.self, number: 2, wireType: entryWireType)
        default: try entry.skipField(wireType: entryWireType)
        }
      }
      map[key] = value
    } catch {
      throw error.inField(number)
    }
  }

  /// Reads field `number` of a message type into `message`, merging with an earlier occurrence as
  /// protobuf requires for a singular message field that appears more than once.
  @inlinable
  public mutating func mergeMessage<M: ProtobufMessage>(
    into message: inout M?,
    number: Int,
    wireType: WireType
  ) throws(WireDecodingError) {
    guard wireType == .lengthDelimited else {
      throw wrongWireType(ProtobufMessageField<M>.self, wireType, number: number)
    }
    do {
      let bytes = try readLengthDelimited()
      var nested = try ProtobufDecoder(nested: bytes, of: self)
      var value = message ?? M()
      try nested.decodeFields(into: &value)
      message = value
    } catch {
      throw error.inField(number)
    }
  }

  /// Skips a field's value.
  @inlinable
  public mutating func skipField(wireType: WireType) throws(WireDecodingError) {
    switch wireType {
    case .varint: _ = try readVarint()
    case .fixed64: _ = try readFixed64()
    case .fixed32: _ = try readFixed32()
    case .lengthDelimited: _ = try readLengthDelimited()
    case .startGroup, .endGroup:
      throw error(.unsupportedWireType, "groups (wire types 3, 4) are not supported")
    }
  }

  /// Skips field `number` and keeps its bytes, tag included, in `unknownFields`.
  @inlinable
  public mutating func skipField(
    number: Int,
    wireType: WireType,
    into unknownFields: inout UnknownFields
  ) throws(WireDecodingError) {
    let valueStart = pointer
    try skipField(wireType: wireType)
    let tagSize = ProtobufSize.tag(number: number)
    // The tag may have been written in a non-minimal form; re-encode it minimally.
    var tagBytes: (UInt64, UInt64) = (0, 0)
    withUnsafeMutableBytes(of: &tagBytes) { raw in
      var encoder = ProtobufEncoder(UnsafeMutableRawBufferPointer(rebasing: raw[..<tagSize]))
      encoder.writeTag(number: number, wireType: wireType)
      unknownFields.append(UnsafeRawBufferPointer(rebasing: raw[..<tagSize]))
    }
    unknownFields.append(UnsafeRawBufferPointer(start: valueStart, count: pointer - valueStart))
  }

  // MARK: Messages

  /// A decoder over bytes nested in this one's input, one level deeper.
  @inlinable
  init(nested bytes: UnsafeRawBufferPointer, of parent: ProtobufDecoder) throws(WireDecodingError) {
    self.init(sub: bytes, of: parent)
    depth = parent.depth &+ 1
    guard depth < maximumDepth else {
      throw error(.nestingTooDeep, "messages nest deeper than the limit of \(maximumDepth)")
    }
  }

  /// A decoder over a slice of this one's input at the same depth.
  @inlinable
  init(sub bytes: UnsafeRawBufferPointer, of parent: ProtobufDecoder) {
    self.start = parent.start
    self.pointer = bytes.baseAddress ?? parent.pointer
    self.end = self.pointer + bytes.count
    self.depth = parent.depth
    self.maximumDepth = parent.maximumDepth
  }

  /// Reads fields until the end of the input, handing each to `message`.
  @inlinable
  public mutating func decodeFields<M: ProtobufMessage>(into message: inout M) throws(WireDecodingError) {
    while pointer < end {
      let (number, wireType) = try readTag()
      try message.decodeField(number: number, wireType: wireType, from: &self)
    }
  }
}
