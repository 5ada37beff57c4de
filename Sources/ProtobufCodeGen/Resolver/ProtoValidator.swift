/// Checks the proto3 rules of one resolved file that are not about names: field numbers, reserved
/// numbers and names, enum values, map keys and the options the generator understands.
struct ProtoValidator {
  /// Every problem found, in declaration order.
  private(set) var errors: [CodeGenError] = []

  /// Returns every rule `file` breaks.
  static func validate(_ file: ProtoFile) -> [CodeGenError] {
    var validator = ProtoValidator()
    for message in file.messages { validator.check(message) }
    for enumeration in file.enums { validator.check(enumeration) }
    return validator.errors
  }

  private static let maximumFieldNumber: Int32 = 536_870_911
  private static let implementationRange: ClosedRange<Int32> = 19_000 ... 19_999

  private mutating func report(
    _ code: CodeGenError.Code,
    _ message: String,
    at location: SourceLocation
  ) {
    errors.append(CodeGenError(code, message, at: location))
  }

  private mutating func check(_ message: ProtoMessage) {
    for range in message.reservedRanges
    where range.lowerBound < 1 || range.upperBound > Self.maximumFieldNumber {
      report(
        .fieldNumberOutOfRange,
        "reserved range \(range.lowerBound) to \(range.upperBound) is out of range; "
          + "field numbers are 1 to \(Self.maximumFieldNumber)",
        at: range.location
      )
    }
    var fieldsByNumber: [Int32: String] = [:]
    var fieldsByJSONKey: [String: String] = [:]
    for field in message.fields {
      let context = "field \"\(field.name)\" of message \"\(message.fullName)\""
      checkNumber(field.number, at: field.location)
      if let other = fieldsByNumber[field.number] {
        report(
          .duplicateFieldNumber,
          "field number \(field.number) is used by both \"\(other)\" and \"\(field.name)\" "
            + "in message \"\(message.fullName)\"",
          at: field.location
        )
      } else {
        fieldsByNumber[field.number] = field.name
      }
      if message.reservedRanges.contains(where: { $0.contains(field.number) }) {
        report(
          .reservedNumber,
          "field \"\(field.name)\" uses number \(field.number), which is reserved in message \"\(message.fullName)\"",
          at: field.location
        )
      }
      if message.reservedNames.contains(field.name) {
        report(
          .reservedName,
          "field name \"\(field.name)\" is reserved in message \"\(message.fullName)\"",
          at: field.location
        )
      }
      let jsonKey = String(field.name.lowercased().filter { $0 != "_" })
      if let other = fieldsByJSONKey[jsonKey], other != field.name {
        report(
          .duplicateName,
          "the JSON name of field \"\(field.name)\" conflicts with field \"\(other)\" "
            + "in message \"\(message.fullName)\"; proto3 does not allow this",
          at: field.location
        )
      } else if fieldsByJSONKey[jsonKey] == nil {
        fieldsByJSONKey[jsonKey] = field.name
      }
      if case .map(let key, _) = field.type, !key.isValidMapKey {
        report(
          .invalidMap,
          "map key type must be an integral type, bool or string, not \(key.rawValue), in \(context)",
          at: field.location
        )
      }
      checkOptions(of: field, context: context)
    }
    for nested in message.messages { check(nested) }
    for enumeration in message.enums { check(enumeration) }
  }

  private mutating func checkNumber(_ number: Int32, at location: SourceLocation) {
    if number < 1 || number > Self.maximumFieldNumber {
      report(
        .fieldNumberOutOfRange,
        "field number \(number) is out of range; field numbers are 1 to \(Self.maximumFieldNumber)",
        at: location
      )
    } else if Self.implementationRange.contains(number) {
      report(
        .fieldNumberOutOfRange,
        "field number \(number) is in the range 19000 to 19999 reserved for the protobuf implementation",
        at: location
      )
    }
  }

  /// `packed`, `json_name` and `default`; other options are accepted and ignored.
  private mutating func checkOptions(of field: ProtoField, context: String) {
    for option in field.options {
      switch option.name {
      case "packed":
        guard case .bool = option.value else {
          report(
            .invalidOption,
            "option \"packed\" must be true or false, in \(context)",
            at: option.location
          )
          continue
        }
        if !Self.isPackable(field) {
          report(
            .invalidOption,
            "option \"packed\" applies only to repeated fields of numeric, bool or enum types, not to \(context)",
            at: option.location
          )
        }
      case "json_name":
        if case .string = option.value { continue }
        report(
          .invalidOption,
          "option \"json_name\" must be a string, in \(context)",
          at: option.location
        )
      case "default":
        report(
          .invalidOption,
          "proto3 does not allow default values, in \(context)",
          at: option.location
        )
      default:
        continue
      }
    }
  }

  private static func isPackable(_ field: ProtoField) -> Bool {
    guard field.label == .repeated else { return false }
    switch field.type {
    case .scalar(let scalar): return scalar.isPackable
    case .enumeration: return true
    case .named, .message, .map: return false
    }
  }

  private mutating func check(_ enumeration: ProtoEnum) {
    let name = enumeration.fullName
    guard let first = enumeration.values.first else {
      report(
        .invalidEnum,
        "enum \"\(name)\" must have at least one value",
        at: enumeration.location
      )
      return
    }
    if first.number != 0 {
      report(
        .invalidEnum,
        "the first value of enum \"\(name)\" must be 0 in proto3",
        at: first.location
      )
    }
    var valuesByNumber: [Int32: String] = [:]
    var hasAlias = false
    for value in enumeration.values {
      if let other = valuesByNumber[value.number] {
        hasAlias = true
        if !enumeration.allowsAlias {
          report(
            .duplicateFieldNumber,
            "enum value \"\(value.name)\" uses number \(value.number), which \"\(other)\" already uses "
              + "in enum \"\(name)\"; set option allow_alias = true to allow aliases",
            at: value.location
          )
        }
      } else {
        valuesByNumber[value.number] = value.name
      }
      if enumeration.reservedRanges.contains(where: { $0.contains(value.number) }) {
        report(
          .reservedNumber,
          "enum value \"\(value.name)\" uses number \(value.number), which is reserved in enum \"\(name)\"",
          at: value.location
        )
      }
      if enumeration.reservedNames.contains(value.name) {
        report(
          .reservedName,
          "enum value name \"\(value.name)\" is reserved in enum \"\(name)\"",
          at: value.location
        )
      }
    }
    if enumeration.allowsAlias, !hasAlias {
      let option = enumeration.options.first { $0.name == "allow_alias" }
      report(
        .invalidEnum,
        "enum \"\(name)\" sets allow_alias but no two of its values share a number",
        at: option?.location ?? enumeration.location
      )
    }
  }
}
