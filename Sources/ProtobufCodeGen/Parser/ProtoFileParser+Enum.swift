/// Enums and their values.
extension ProtoFileParser {
  /// `enum Name { ... }`
  mutating func parseEnum(scope: String) throws(CodeGenError) -> ProtoEnum {
    let keyword = take()
    let name = try expectIdentifier("an enum name after \"enum\"").text
    let open = try expect("{", "after enum name \"\(name)\"")
    var enumeration = ProtoEnum(
      name: name,
      fullName: scope.isEmpty ? name : "\(scope).\(name)",
      comments: ProtoComments(leading: keyword.leadingComments, trailing: open.trailingComment),
      location: location(keyword)
    )
    while consume("}") == nil {
      if atEnd { throw syntaxError("expected \"}\" to close enum \"\(name)\", found end of file") }
      if consume(";") != nil { continue }
      if current.isKeyword("option") {
        enumeration.options.append(try parseOptionStatement())
      } else if current.isKeyword("reserved") {
        let reserved = try parseReserved(maximum: Int64(Int32.max))
        enumeration.reservedRanges += reserved.ranges
        enumeration.reservedNames += reserved.names
      } else {
        enumeration.values.append(try parseEnumValue())
      }
    }
    return enumeration
  }

  /// `NAME = 1 [options];`
  private mutating func parseEnumValue() throws(CodeGenError) -> ProtoEnumValue {
    let nameToken = try expectIdentifier("an enum value name, \"option\" or \"reserved\"")
    try expect("=", "after enum value name \"\(nameToken.text)\"")
    let (number, numberToken) = try parseSignedInteger("an enum value number after \"=\"")
    guard let number = Int32(exactly: number) else {
      throw CodeGenError(
        .invalidEnum,
        "enum value \(number) is out of range; enum values are 32-bit signed integers",
        at: location(numberToken)
      )
    }
    let options = current.isKeyword("[") ? try parseOptionList() : []
    let end = try expect(";", "after enum value declaration")
    return ProtoEnumValue(
      name: nameToken.text,
      number: number,
      options: options,
      comments: ProtoComments(leading: nameToken.leadingComments, trailing: end.trailingComment),
      location: location(nameToken)
    )
  }
}
