import ProtobufRuntime

/// A protobuf message decoded without generated code: the values of each field number, in the order
/// they appear, with the fields ``DescriptorSchema`` knows as messages decoded recursively.
///
/// Two descriptors are compared as trees rather than bytes so that a difference can be reported as
/// the path to the field that differs.
struct DescriptorTree: Equatable {
  /// One occurrence of a field.
  enum Value: Equatable {
    case varint(UInt64)
    case fixed32(UInt32)
    case fixed64(UInt64)
    case bytes([UInt8])
    case message(DescriptorTree)
  }

  /// The values of each field number present.
  var fields: [Int: [Value]] = [:]

  /// Decodes `bytes` as a message of `schema`.
  init(decoding bytes: [UInt8], as schema: DescriptorSchema) throws {
    let known = schema.fields
    var fields: [Int: [Value]] = [:]
    try bytes.withUnsafeBytes { buffer in
      var decoder = ProtobufDecoder(buffer)
      while !decoder.isAtEnd {
        let (number, wireType) = try decoder.readTag()
        let value: Value
        switch wireType {
        case .varint:
          value = .varint(try decoder.readVarint())
        case .fixed32:
          value = .fixed32(try decoder.readFixed32())
        case .fixed64:
          value = .fixed64(try decoder.readFixed64())
        case .lengthDelimited:
          let payload = Array(try decoder.readLengthDelimited())
          if let nested = known[number]?.message {
            value = .message(try DescriptorTree(decoding: payload, as: nested))
          } else {
            value = .bytes(payload)
          }
        case .startGroup, .endGroup:
          try decoder.skipField(wireType: wireType)
          continue
        }
        fields[number, default: []].append(value)
      }
    }
    self.fields = fields
  }

  /// The value of a string field, such as a descriptor's `name` (field 1).
  func string(_ number: Int) -> String? {
    guard case .bytes(let bytes) = fields[number]?.first else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Every field that differs between `expected` (protoc's) and `actual` (ours), as lines like
  /// `file[chat.proto].message_type[0].field[2].json_name: protoc has "fooBar", ours has nothing`.
  static func differences(
    expected: DescriptorTree,
    actual: DescriptorTree,
    schema: DescriptorSchema,
    path: String
  ) -> [String] {
    let known = schema.fields
    var result: [String] = []
    for number in Set(expected.fields.keys).union(actual.fields.keys).sorted() {
      let field = known[number]
      let expectedValues = expected.fields[number] ?? []
      let actualValues = actual.fields[number] ?? []
      let count = max(expectedValues.count, actualValues.count)
      for index in 0 ..< count {
        let showsIndex = field?.isRepeated ?? true || count > 1
        let fieldPath = "\(path).\(field?.name ?? "#\(number)")" + (showsIndex ? "[\(index)]" : "")
        let expectedValue = index < expectedValues.count ? expectedValues[index] : nil
        let actualValue = index < actualValues.count ? actualValues[index] : nil
        if case .message(let expectedTree) = expectedValue,
          case .message(let actualTree) = actualValue,
          let nested = field?.message
        {
          result += differences(
            expected: expectedTree,
            actual: actualTree,
            schema: nested,
            path: fieldPath
          )
        } else if expectedValue != actualValue {
          result.append(
            "\(fieldPath): protoc has \(describe(expectedValue)), ours has \(describe(actualValue))"
          )
        }
      }
    }
    return result
  }

  private static func describe(_ value: Value?) -> String {
    switch value {
    case nil: "nothing"
    case .varint(let value): value > UInt64(Int64.max) ? "\(Int64(bitPattern: value))" : "\(value)"
    case .fixed32(let value): "fixed32 \(value)"
    case .fixed64(let value): "fixed64 \(value)"
    case .bytes(let bytes):
      if let text = String(validating: bytes, as: UTF8.self),
        text.unicodeScalars.allSatisfy({ $0.value >= 0x20 })
      {
        "\"\(text)\""
      } else {
        "bytes \(bytes)"
      }
    case .message(let tree): tree.summary
    }
  }

  /// A one-line rendering for messages present on one side only: `{1: "Foo", 2: {…}}`.
  private var summary: String {
    let parts = fields.keys.sorted().map { number in
      "\(number): "
        + fields[number]!.map { value in
          if case .message = value { return "{…}" }
          return Self.describe(value)
        }.joined(separator: ", ")
    }
    return "{" + parts.joined(separator: ", ") + "}"
  }
}
