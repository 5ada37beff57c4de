import ProtobufRuntime

/// Builds one descriptor message (a `FileDescriptorProto` or a message nested in it) as wire bytes.
///
/// Each call appends one field. Nested messages are built in their own writer and appended whole,
/// which copies bytes once per nesting level: descriptors are small and built at generation time,
/// so simplicity wins over speed here. Callers append fields in field-number order, as protoc does,
/// so that the bytes match protoc's.
struct DescriptorWriter {
  /// The fields written so far.
  private(set) var bytes: [UInt8] = []

  /// Whether no field has been written.
  var isEmpty: Bool { bytes.isEmpty }

  /// Appends a varint field.
  mutating func writeVarint(_ value: UInt64, number: Int) {
    append(size: ProtobufSize.tag(number: number) + ProtobufSize.varint(value)) { encoder in
      encoder.writeTag(number: number, wireType: .varint)
      encoder.writeVarint(value)
    }
  }

  /// Appends an `int32` or enum field: negative values take ten bytes, sign-extended as protobuf
  /// requires.
  mutating func writeInt32(_ value: Int32, number: Int) {
    writeVarint(UInt64(bitPattern: Int64(value)), number: number)
  }

  /// Appends a `bool` field.
  mutating func writeBool(_ value: Bool, number: Int) {
    writeVarint(value ? 1 : 0, number: number)
  }

  /// Appends a `string` field.
  mutating func writeString(_ value: String, number: Int) {
    writeLengthDelimited(Array(value.utf8), number: number)
  }

  /// Appends a message field holding what `message` has written, even when that is nothing.
  mutating func writeMessage(_ message: DescriptorWriter, number: Int) {
    writeLengthDelimited(message.bytes, number: number)
  }

  private mutating func writeLengthDelimited(_ payload: [UInt8], number: Int) {
    append(size: ProtobufSize.tag(number: number) + ProtobufSize.lengthDelimited(payload.count)) {
      encoder in
      encoder.writeTag(number: number, wireType: .lengthDelimited)
      payload.withUnsafeBytes { encoder.writeLengthDelimited($0) }
    }
  }

  /// Grows `bytes` by exactly `size` and lets `write` fill the new bytes.
  private mutating func append(size: Int, _ write: (inout ProtobufEncoder) -> Void) {
    let start = bytes.count
    bytes.append(contentsOf: repeatElement(0, count: size))
    bytes.withUnsafeMutableBytes { buffer in
      var encoder = ProtobufEncoder(UnsafeMutableRawBufferPointer(rebasing: buffer[start...]))
      write(&encoder)
    }
  }
}
