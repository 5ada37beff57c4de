/// Messages: fields, maps, oneofs and reserved statements.
extension ProtoFileParser {
  /// The largest field number; `max` in a message's `reserved` range.
  static let maximumFieldNumber: Int64 = 536_870_911

  /// `message Name { ... }`
  mutating func parseMessage(scope: String) throws(CodeGenError) -> ProtoMessage {
    let keyword = take()
    let name = try expectIdentifier("a message name after \"message\"").text
    let fullName = scope.isEmpty ? name : "\(scope).\(name)"
    let open = try expect("{", "after message name \"\(name)\"")
    var message = ProtoMessage(
      name: name,
      fullName: fullName,
      comments: ProtoComments(leading: keyword.leadingComments, trailing: open.trailingComment),
      location: location(keyword)
    )
    while consume("}") == nil {
      try parseMessageMember(into: &message)
    }
    return message
  }

  private mutating func parseMessageMember(into message: inout ProtoMessage) throws(CodeGenError) {
    if atEnd {
      throw syntaxError("expected \"}\" to close message \"\(message.name)\", found end of file")
    }
    if consume(";") != nil { return }
    guard current.kind == .identifier || current.isKeyword(".") else {
      throw syntaxError(
        "expected a field, \"message\", \"enum\", \"oneof\", \"option\" or \"reserved\", found \(current.quoted)"
      )
    }
    switch current.text {
    case "message":
      message.messages.append(try parseMessage(scope: message.fullName))
    case "enum":
      message.enums.append(try parseEnum(scope: message.fullName))
    case "oneof":
      try parseOneof(into: &message)
    case "option":
      message.options.append(try parseOptionStatement())
    case "reserved":
      let reserved = try parseReserved(maximum: Self.maximumFieldNumber)
      message.reservedRanges += reserved.ranges
      message.reservedNames += reserved.names
    case "extensions":
      throw syntaxError("proto3 does not allow extension ranges (\"extensions\")")
    case "extend":
      throw Self.extendError(at: location(current))
    default:
      message.fields.append(try parseField(oneof: nil))
    }
  }

  /// A field, map field or oneof member: `[repeated | optional] Type name = 1 [options];`.
  ///
  /// - Parameter oneof: The member's oneof index and name when inside a `oneof`.
  private mutating func parseField(
    oneof: (index: Int, name: String)?
  ) throws(CodeGenError) -> ProtoField {
    let first = current
    var label = ProtoField.Label.singular
    if current.isKeyword("repeated") {
      label = .repeated
    } else if current.isKeyword("optional") {
      label = .optional
    } else if current.isKeyword("required") {
      throw syntaxError("proto3 does not allow required fields")
    }
    if label != .singular {
      if let oneof {
        throw syntaxError("fields in oneof \"\(oneof.name)\" cannot be \(current.text)")
      }
      take()
    }
    if current.isKeyword("group") {
      throw syntaxError(
        "proto3 does not allow groups; declare a nested message and a field of that type"
      )
    }
    if current.isKeyword("map"), next.isKeyword("<") {
      if let oneof {
        throw CodeGenError(
          .invalidMap,
          "map fields are not allowed in oneof \"\(oneof.name)\"",
          at: location(current)
        )
      }
      if label != .singular {
        throw CodeGenError(
          .invalidMap,
          "map fields cannot be repeated or optional",
          at: location(first)
        )
      }
      return try parseMapField()
    }
    let (typeName, typeToken) = try parseTypeName("a field type")
    let type = ProtoScalarType(rawValue: typeName).map(ProtoFieldType.scalar) ?? .named(typeName)
    var field = try parseFieldRest(type: type, first: first, typeToken: typeToken)
    field.label = label
    field.oneofIndex = oneof?.index
    return field
  }

  /// `map<Key, Value> name = 1 [options];`
  private mutating func parseMapField() throws(CodeGenError) -> ProtoField {
    let first = take()
    try expect("<", "after \"map\"")
    let (keyName, keyToken) = try parseTypeName("a map key type after \"map<\"")
    guard let key = ProtoScalarType(rawValue: keyName) else {
      throw CodeGenError(
        .invalidMap,
        "map key type must be an integral type, bool or string, not \"\(keyName)\"",
        at: location(keyToken)
      )
    }
    try expect(",", "after the map key type")
    let (valueName, valueToken) = try parseTypeName("a map value type")
    try expect(">", "after the map value type")
    let value = ProtoScalarType(rawValue: valueName).map(ProtoFieldType.scalar) ?? .named(valueName)
    return try parseFieldRest(
      type: .map(key: key, value: value),
      first: first,
      typeToken: valueToken
    )
  }

  /// The part of a field after its type: `name = 1 [options];`.
  private mutating func parseFieldRest(
    type: ProtoFieldType,
    first: ProtoToken,
    typeToken: ProtoToken
  ) throws(CodeGenError) -> ProtoField {
    let name = try expectIdentifier("a field name after the type").text
    try expect("=", "after field name \"\(name)\"")
    let (number, numberToken) = try parseSignedInteger("a field number after \"=\"")
    guard let number = Int32(exactly: number) else {
      throw CodeGenError(
        .fieldNumberOutOfRange,
        "field number \(number) is out of range; field numbers are 1 to \(Self.maximumFieldNumber)",
        at: location(numberToken)
      )
    }
    let options = current.isKeyword("[") ? try parseOptionList() : []
    let end = try expect(";", "after field declaration")
    return ProtoField(
      name: name,
      number: number,
      type: type,
      options: options,
      comments: ProtoComments(leading: first.leadingComments, trailing: end.trailingComment),
      location: location(first),
      typeLocation: location(typeToken)
    )
  }

  /// `oneof name { ... }`: appends the oneof and its members.
  private mutating func parseOneof(into message: inout ProtoMessage) throws(CodeGenError) {
    let keyword = take()
    let name = try expectIdentifier("a oneof name after \"oneof\"").text
    let open = try expect("{", "after oneof name \"\(name)\"")
    let index = message.oneofs.count
    var oneof = ProtoOneof(
      name: name,
      comments: ProtoComments(leading: keyword.leadingComments, trailing: open.trailingComment),
      location: location(keyword)
    )
    let fieldCount = message.fields.count
    while current.isKeyword("}") == false {
      if atEnd { throw syntaxError("expected \"}\" to close oneof \"\(name)\", found end of file") }
      if consume(";") != nil { continue }
      if current.isKeyword("option") {
        oneof.options.append(try parseOptionStatement())
      } else {
        message.fields.append(try parseField(oneof: (index, name)))
      }
    }
    if message.fields.count == fieldCount {
      throw syntaxError("oneof \"\(name)\" must have at least one field")
    }
    take()
    message.oneofs.append(oneof)
  }

  /// `reserved 2, 9 to 11, 40 to max;` or `reserved "foo", "bar";` (messages and enums).
  ///
  /// - Parameter maximum: What `max` means: the largest field number or enum value.
  mutating func parseReserved(
    maximum: Int64
  ) throws(CodeGenError) -> (ranges: [ProtoRange], names: [String]) {
    take()
    var ranges: [ProtoRange] = []
    var names: [String] = []
    repeat {
      if current.kind == .string || !names.isEmpty {
        names.append(try parseStrings("a reserved name in quotes"))
        continue
      }
      let (lower, lowerToken) = try parseSignedInteger(
        "a number or a name in quotes after \"reserved\""
      )
      var upper = lower
      if consume("to") != nil {
        upper =
          consume("max") != nil
          ? maximum : try parseSignedInteger("a number or \"max\" after \"to\"").value
      }
      guard let lowerBound = Int32(exactly: lower), let upperBound = Int32(exactly: upper) else {
        throw syntaxError("reserved numbers must fit in 32 bits", at: lowerToken)
      }
      guard lowerBound <= upperBound else {
        throw syntaxError(
          "reserved range \(lower) to \(upper) ends before it starts",
          at: lowerToken
        )
      }
      ranges.append(ProtoRange(lowerBound, upperBound, location: location(lowerToken)))
    } while consume(",") != nil
    try expect(";", "after reserved declaration")
    return (ranges, names)
  }
}
