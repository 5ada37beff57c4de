/// Options: `option name = value;` statements and `[name = value, ...]` lists.
extension ProtoFileParser {
  /// `option name = value;`
  mutating func parseOptionStatement() throws(CodeGenError) -> ProtoOption {
    take()
    let option = try parseOptionAssignment()
    try expect(";", "after option \"\(option.name)\"")
    return option
  }

  /// `[name = value, ...]` after a field or enum value.
  mutating func parseOptionList() throws(CodeGenError) -> [ProtoOption] {
    try expect("[", "before field options")
    var options: [ProtoOption] = []
    repeat {
      options.append(try parseOptionAssignment())
    } while consume(",") != nil
    try expect("]", "after option \"\(options[options.count - 1].name)\"")
    return options
  }

  /// `name = value`, where the name may have custom parts: `(my.ext).field`.
  private mutating func parseOptionAssignment() throws(CodeGenError) -> ProtoOption {
    let first = current
    var name = ""
    repeat {
      if !name.isEmpty { name += "." }
      if consume("(") != nil {
        let (extensionName, _) = try parseTypeName("a custom option name after \"(\"")
        try expect(")", "after custom option name \"(\(extensionName)\"")
        name += "(\(extensionName))"
      } else {
        name += try expectIdentifier("an option name").text
      }
    } while consume(".") != nil
    try expect("=", "after option name \"\(name)\"")
    return ProtoOption(name: name, value: try parseOptionValue(name), location: location(first))
  }

  private mutating func parseOptionValue(_ name: String) throws(CodeGenError) -> ProtoOption.Value {
    if current.isKeyword("{") { return .aggregate(try parseAggregate()) }
    if current.kind == .string { return .string(try parseStrings("a string")) }
    let negative = consume("-") != nil
    let token = current
    switch token.kind {
    case .integer:
      take()
      guard let magnitude = Self.integerValue(token.text) else {
        throw syntaxError("integer \(token.text) does not fit in 64 bits", at: token)
      }
      if !negative {
        return magnitude <= UInt64(Int64.max)
          ? .integer(Int64(magnitude)) : .unsignedInteger(magnitude)
      }
      guard magnitude <= UInt64(Int64.max) + 1 else {
        throw syntaxError("integer -\(token.text) does not fit in 64 bits", at: token)
      }
      return .integer(Int64(truncatingIfNeeded: 0 &- magnitude))
    case .float:
      take()
      guard let value = Double(token.text) else {
        throw syntaxError("\(token.quoted) is not a valid floating-point number", at: token)
      }
      return .float(negative ? -value : value)
    case .identifier where token.text == "inf" || token.text == "nan":
      take()
      let value = token.text == "inf" ? Double.infinity : Double.nan
      return .float(negative ? -value : value)
    case .identifier where !negative:
      take()
      switch token.text {
      case "true": return .bool(true)
      case "false": return .bool(false)
      default: return .identifier(token.text)
      }
    default:
      throw syntaxError("expected a value for option \"\(name)\", found \(token.quoted)")
    }
  }

  /// `{ ... }` with nested braces, kept as source text (braces included).
  private mutating func parseAggregate() throws(CodeGenError) -> String {
    let open = take()
    var depth = 1
    var close = open
    while depth > 0 {
      if atEnd {
        throw syntaxError("expected \"}\" to close the option value started here", at: open)
      }
      close = take()
      if close.isKeyword("{") { depth += 1 }
      if close.isKeyword("}") { depth -= 1 }
    }
    return String(decoding: source[open.start ..< close.end], as: UTF8.self)
  }
}
