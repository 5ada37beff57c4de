extension FileDescriptorEncoder {
  /// A `DescriptorProto`, with the map entry types and synthetic oneofs protoc adds.
  static func encode(_ message: ProtoMessage) -> DescriptorWriter {
    var writer = DescriptorWriter()
    writer.writeString(message.name, number: 1)
    let syntheticOneofs = syntheticOneofNames(of: message)
    var nextSyntheticOneof = message.oneofs.count
    for field in message.fields {
      var oneofIndex = field.oneofIndex
      if field.label == .optional {
        oneofIndex = nextSyntheticOneof
        nextSyntheticOneof += 1
      }
      writer.writeMessage(encode(field, in: message, oneofIndex: oneofIndex), number: 2)
    }
    for nested in nestedTypes(of: message) {
      writer.writeMessage(nested, number: 3)
    }
    for enumeration in message.enums {
      writer.writeMessage(encode(enumeration), number: 4)
    }
    if let options = DescriptorOptionSchema.message.encode(message.options) {
      writer.writeMessage(options, number: 7)
    }
    // `OneofOptions` defines no standard option, so a oneof descriptor is just its name.
    for name in message.oneofs.map(\.name) + syntheticOneofs {
      var oneofWriter = DescriptorWriter()
      oneofWriter.writeString(name, number: 1)
      writer.writeMessage(oneofWriter, number: 8)
    }
    for range in message.reservedRanges {
      // Message ranges are end-exclusive in descriptors.
      var rangeWriter = DescriptorWriter()
      rangeWriter.writeInt32(range.lowerBound, number: 1)
      rangeWriter.writeInt32(range.upperBound &+ 1, number: 2)
      writer.writeMessage(rangeWriter, number: 9)
    }
    for name in message.reservedNames {
      writer.writeString(name, number: 10)
    }
    return writer
  }

  /// The nested `DescriptorProto`s of `message`: its declared messages and one entry type per map
  /// field, in source order, because protoc adds an entry type when it parses the map field.
  private static func nestedTypes(of message: ProtoMessage) -> [DescriptorWriter] {
    var nested: [(location: SourceLocation, descriptor: DescriptorWriter)] = message.messages.map {
      ($0.location, encode($0))
    }
    for field in message.fields {
      if case .map(let key, let value) = field.type {
        nested.append((field.location, mapEntry(for: field, key: key, value: value)))
      }
    }
    return nested.enumerated()
      .sorted { lhs, rhs in
        let (left, right) = (lhs.element.location, rhs.element.location)
        if (left.line, left.column) != (right.line, right.column) {
          return (left.line, left.column) < (right.line, right.column)
        }
        return lhs.offset < rhs.offset
      }
      .map(\.element.descriptor)
  }

  /// The names protoc gives the oneofs it synthesizes for proto3 `optional` fields, in field order:
  /// `_name`, led by `X`s until it clashes with no field or oneof name.
  static func syntheticOneofNames(of message: ProtoMessage) -> [String] {
    var taken = Set(message.fields.map(\.name) + message.oneofs.map(\.name))
    var names: [String] = []
    for field in message.fields where field.label == .optional {
      var name = field.name.hasPrefix("_") ? field.name : "_" + field.name
      while taken.contains(name) {
        name = "X" + name
      }
      taken.insert(name)
      names.append(name)
    }
    return names
  }

  /// The name protoc gives the entry type of a map field: the field name in UpperCamelCase, then
  /// `Entry` (`inners_by_id` → `InnersByIdEntry`).
  static func mapEntryName(forField fieldName: String) -> String {
    var result = ""
    var capitalizeNext = true
    for character in fieldName {
      if character == "_" {
        capitalizeNext = true
      } else if capitalizeNext {
        result += character.isASCII ? character.uppercased() : String(character)
        capitalizeNext = false
      } else {
        result.append(character)
      }
    }
    return result + "Entry"
  }

  /// The entry type protoc synthesizes for a map field: `key = 1` and `value = 2`, both
  /// `LABEL_OPTIONAL`, with `map_entry = true`.
  private static func mapEntry(
    for field: ProtoField,
    key: ProtoScalarType,
    value: ProtoFieldType
  ) -> DescriptorWriter {
    var writer = DescriptorWriter()
    writer.writeString(mapEntryName(forField: field.name), number: 1)
    for (name, number, type) in [
      ("key", Int32(1), ProtoFieldType.scalar(key)), ("value", 2, value),
    ] {
      let entryField = ProtoField(name: name, number: number, type: type, location: field.location)
      writer.writeMessage(
        encode(entryField, label: .singular, type: type, oneofIndex: nil),
        number: 2
      )
    }
    var options = DescriptorWriter()
    options.writeBool(true, number: 7)
    writer.writeMessage(options, number: 7)
    return writer
  }

  /// A `FieldDescriptorProto` of a field declared in `message`.
  private static func encode(
    _ field: ProtoField,
    in message: ProtoMessage,
    oneofIndex: Int?
  ) -> DescriptorWriter {
    if case .map = field.type {
      let entryType = ProtoFieldType.message(
        message.fullName + "." + mapEntryName(forField: field.name)
      )
      return encode(field, label: .repeated, type: entryType, oneofIndex: oneofIndex)
    }
    return encode(field, label: field.label, type: field.type, oneofIndex: oneofIndex)
  }

  /// A `FieldDescriptorProto` with `type` (never a map) in place of the field's own.
  private static func encode(
    _ field: ProtoField,
    label: ProtoField.Label,
    type: ProtoFieldType,
    oneofIndex: Int?
  ) -> DescriptorWriter {
    var writer = DescriptorWriter()
    writer.writeString(field.name, number: 1)
    writer.writeInt32(field.number, number: 3)
    writer.writeInt32(label == .repeated ? 3 : 1, number: 4)
    switch type {
    case .scalar(let scalar):
      writer.writeInt32(fieldTypeNumber(scalar), number: 5)
    case .message(let name):
      writer.writeInt32(11, number: 5)
      writer.writeString(typeName(name), number: 6)
    case .enumeration(let name):
      writer.writeInt32(14, number: 5)
      writer.writeString(typeName(name), number: 6)
    case .named(let name):
      writer.writeString(name, number: 6)
    case .map:
      preconditionFailure("map fields are written as their entry type")
    }
    if let options = DescriptorOptionSchema.field.encode(field.options) {
      writer.writeMessage(options, number: 8)
    }
    if let oneofIndex {
      writer.writeInt32(Int32(oneofIndex), number: 9)
    }
    writer.writeString(field.jsonName, number: 10)
    if label == .optional {
      writer.writeBool(true, number: 17)
    }
    return writer
  }

  /// `FieldDescriptorProto.Type` of a scalar.
  private static func fieldTypeNumber(_ scalar: ProtoScalarType) -> Int32 {
    switch scalar {
    case .double: 1
    case .float: 2
    case .int64: 3
    case .uint64: 4
    case .int32: 5
    case .fixed64: 6
    case .fixed32: 7
    case .bool: 8
    case .string: 9
    case .bytes: 12
    case .uint32: 13
    case .sfixed32: 15
    case .sfixed64: 16
    case .sint32: 17
    case .sint64: 18
    }
  }
}
