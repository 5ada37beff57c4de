/// The standard options one options message of `descriptor.proto` (protoc 3.21) defines, by name,
/// with their field numbers and types, so that options written in a `.proto` file can be encoded.
///
/// Custom options (`(my.option).field = 1`) are extensions of these messages: encoding them
/// needs the `extend` declaration that gives their number and type, which the AST does not
/// carry, so they are left out: a file that sets custom options gets a descriptor without them,
/// where protoc's would include them. `json_name` is not an option in descriptors (it is
/// `FieldDescriptorProto.json_name`), so no schema lists it.
struct DescriptorOptionSchema: Sendable {
  /// How an option's value is written.
  enum Kind: Sendable {
    case bool
    case string
    /// An enum, written as the number of the named value.
    case enumeration([String: Int32])
  }

  /// Field number and kind of each option, by option name.
  let options: [String: (number: Int, kind: Kind)]

  /// Writes the options of `written` this schema knows, in field-number order as protoc serializes
  /// them.
  ///
  /// - Returns: The options message, or `nil` when none of `written` is a standard option here.
  ///   An option whose value does not fit its type (the resolver reports those) is left out.
  func encode(_ written: [ProtoOption]) -> DescriptorWriter? {
    let known = written.compactMap { option in
      options[option.name].map { (number: $0.number, kind: $0.kind, value: option.value) }
    }
    guard !known.isEmpty else { return nil }
    var writer = DescriptorWriter()
    for option in known.sorted(by: { $0.number < $1.number }) {
      switch (option.kind, option.value) {
      case (.bool, .bool(let value)):
        writer.writeBool(value, number: option.number)
      case (.string, .string(let value)):
        writer.writeString(value, number: option.number)
      case (.enumeration(let values), .identifier(let name)):
        if let value = values[name] { writer.writeInt32(value, number: option.number) }
      default:
        continue
      }
    }
    return writer.isEmpty ? nil : writer
  }
}

extension DescriptorOptionSchema {
  /// `FileOptions`.
  static let file = DescriptorOptionSchema(options: [
    "java_package": (1, .string),
    "java_outer_classname": (8, .string),
    "optimize_for": (9, .enumeration(["SPEED": 1, "CODE_SIZE": 2, "LITE_RUNTIME": 3])),
    "java_multiple_files": (10, .bool),
    "go_package": (11, .string),
    "cc_generic_services": (16, .bool),
    "java_generic_services": (17, .bool),
    "py_generic_services": (18, .bool),
    "java_generate_equals_and_hash": (20, .bool),
    "deprecated": (23, .bool),
    "java_string_check_utf8": (27, .bool),
    "cc_enable_arenas": (31, .bool),
    "objc_class_prefix": (36, .string),
    "csharp_namespace": (37, .string),
    "swift_prefix": (39, .string),
    "php_class_prefix": (40, .string),
    "php_namespace": (41, .string),
    "php_generic_services": (42, .bool),
    "php_metadata_namespace": (44, .string),
    "ruby_package": (45, .string),
  ])

  /// `MessageOptions` (`map_entry` is protoc's own, set only on the entry types it synthesizes).
  static let message = DescriptorOptionSchema(options: [
    "message_set_wire_format": (1, .bool),
    "no_standard_descriptor_accessor": (2, .bool),
    "deprecated": (3, .bool),
  ])

  /// `FieldOptions`.
  static let field = DescriptorOptionSchema(options: [
    "ctype": (1, .enumeration(["STRING": 0, "CORD": 1, "STRING_PIECE": 2])),
    "packed": (2, .bool),
    "deprecated": (3, .bool),
    "lazy": (5, .bool),
    "jstype": (6, .enumeration(["JS_NORMAL": 0, "JS_STRING": 1, "JS_NUMBER": 2])),
    "weak": (10, .bool),
    "unverified_lazy": (15, .bool),
  ])

  /// `EnumOptions`.
  static let enumeration = DescriptorOptionSchema(options: [
    "allow_alias": (2, .bool),
    "deprecated": (3, .bool),
  ])

  /// `EnumValueOptions`.
  static let enumValue = DescriptorOptionSchema(options: [
    "deprecated": (1, .bool)
  ])

  /// `ServiceOptions`.
  static let service = DescriptorOptionSchema(options: [
    "deprecated": (33, .bool)
  ])

  /// `MethodOptions`.
  static let method = DescriptorOptionSchema(options: [
    "deprecated": (33, .bool),
    "idempotency_level": (
      34, .enumeration(["IDEMPOTENCY_UNKNOWN": 0, "NO_SIDE_EFFECTS": 1, "IDEMPOTENT": 2])
    ),
  ])
}
