import GRPCKit

/// Hand-encoded `google.protobuf.FileDescriptorProto`s for reflection tests: just the fields the
/// reflection service reads.
enum FileDescriptorBytes {
  /// A length-delimited field.
  static func field(_ number: Int, _ payload: [UInt8]) -> [UInt8] {
    varint(UInt64(number << 3 | 2)) + varint(UInt64(payload.count)) + payload
  }

  /// A string field.
  static func field(_ number: Int, _ text: String) -> [UInt8] {
    field(number, Array(text.utf8))
  }

  /// A descriptor with only a name and the given members (`DescriptorProto`, `EnumDescriptorProto`,
  /// `ServiceDescriptorProto`...).
  static func named(_ name: String, members: [(Int, [UInt8])] = []) -> [UInt8] {
    field(1, name) + members.flatMap { field($0.0, $0.1) }
  }

  /// A file: name (1), package (2), dependencies (3), then top-level declarations.
  static func file(
    _ name: String,
    package: String,
    dependencies: [String] = [],
    messages: [[UInt8]] = [],
    enums: [[UInt8]] = [],
    services: [[UInt8]] = [],
    symbols: [String]
  ) -> ProtobufFileDescriptor {
    let bytes =
      field(1, name) + field(2, package) + dependencies.flatMap { field(3, $0) }
      + messages.flatMap { field(4, $0) } + enums.flatMap { field(5, $0) }
      + services.flatMap { field(6, $0) }
    return ProtobufFileDescriptor(
      name: name,
      package: package,
      dependencies: dependencies,
      symbols: symbols,
      serializedProto: bytes
    )
  }

  private static func varint(_ value: UInt64) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    while value >= 0x80 {
      bytes.append(UInt8(value & 0x7F) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
    return bytes
  }
}
