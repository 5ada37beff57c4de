extension SwiftFileEmitter {
  /// An open enum: a case per value, `unrecognized(Int32)` for the rest, and static lets for aliases.
  mutating func emitEnum(_ enumeration: ProtoEnum) {
    let swiftName = types.swiftName(of: enumeration.fullName)
    let typeName = String(swiftName.split(separator: ".").last ?? Substring(swiftName))
    let caseNames = Self.caseNames(of: enumeration)
    // The first value with a number gets the case; later values with that number are aliases.
    var caseForNumber: [Int32: String] = [:]
    var cases: [(value: ProtoEnumValue, name: String)] = []
    var aliases: [(value: ProtoEnumValue, name: String, target: String)] = []
    for (value, name) in zip(enumeration.values, caseNames) {
      if let target = caseForNumber[value.number] {
        aliases.append((value, name, target))
      } else {
        caseForNumber[value.number] = name
        cases.append((value, name))
      }
    }
    // proto3 requires a zero value; the resolver rejects enums without one.
    let zeroCase = caseForNumber[0] ?? "unrecognized(0)"

    docComment(enumeration.comments)
    block("\(visibility) enum \(typeName): ProtobufEnum, CaseIterable {") { body in
      for (value, name) in cases {
        body.docComment(value.comments)
        body.line("case \(name)")
      }
      body.line("case unrecognized(Int32)")
      for (value, name, target) in aliases {
        body.line()
        body.docComment(value.comments)
        body.line("\(body.visibility) static let \(name): Self = .\(target)")
      }
      body.line()
      body.line("\(body.visibility) init() { self = .\(zeroCase) }")
      body.line()
      body.block("\(body.visibility) init(rawValue: Int32) {") { body in
        body.switchBlock("rawValue") { body in
          for (value, name) in cases { body.line("case \(value.number): self = .\(name)") }
          body.line("default: self = .unrecognized(rawValue)")
        }
      }
      body.line()
      body.block("\(body.visibility) var rawValue: Int32 {") { body in
        body.switchBlock("self") { body in
          for (value, name) in cases { body.line("case .\(name): \(value.number)") }
          body.line("case .unrecognized(let value): value")
        }
      }
      body.line()
      let allCases = cases.map { "." + $0.name }
      let declaration = "\(body.visibility) static let allCases: [\(swiftName)] = "
      if 2 * body.depth + declaration.count + allCases.joined(separator: ", ").count + 2 <= 100 {
        body.line(declaration + "[" + allCases.joined(separator: ", ") + "]")
      } else {
        body.block(declaration + "[", closer: "]") { body in
          for name in allCases { body.line(name + ",") }
        }
      }
    }
  }

  /// The case name of each value: lowerCamelCase, without the enum's name as a prefix when every
  /// value has it (`COLOR_RED` in `Color` → `red`) and stripping leaves valid names.
  static func caseNames(of enumeration: ProtoEnum) -> [String] {
    let stripped = enumeration.values.compactMap {
      strippingPrefix(enumeration.name, from: $0.name)
    }
    let protoNames =
      stripped.count == enumeration.values.count ? stripped : enumeration.values.map(\.name)
    var names = protoNames.map {
      SwiftNames.memberName($0, reserved: SwiftNames.reservedEnumMembers)
    }
    // Values that differ only in underscores or case would share a name; later ones get `_`s.
    var used: Set<String> = []
    for index in names.indices {
      while !used.insert(names[index]).inserted {
        names[index] = SwiftNames.escapedIfKeyword(SwiftNames.unescaped(names[index]) + "_")
      }
    }
    return names
  }

  /// `value` without `enumName` in UPPER_SNAKE_CASE and the underscore after it, compared without
  /// case or underscores (`SERVING_STATUS_UNKNOWN` in `ServingStatus` → `UNKNOWN`); `nil` when
  /// `value` does not start with it or nothing valid would be left.
  static func strippingPrefix(_ enumName: String, from value: String) -> String? {
    var rest = Substring(value)
    for character in enumName where character != "_" {
      while rest.first == "_" { rest.removeFirst() }
      guard let first = rest.first, first.lowercased() == character.lowercased() else { return nil }
      rest.removeFirst()
    }
    guard rest.first == "_" else { return nil }
    while rest.first == "_" { rest.removeFirst() }
    guard let first = rest.first, !first.isNumber else { return nil }
    return String(rest)
  }
}
