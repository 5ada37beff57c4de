/// The messages of `google/protobuf/descriptor.proto` a `FileDescriptorProto` can contain, with the
/// names of their fields and which fields hold nested messages: just enough schema to decode
/// descriptors into ``DescriptorTree``s and to name the path to a difference.
enum DescriptorSchema: Sendable {
  case file
  case message
  case field
  case oneof
  case enumeration
  case enumValue
  case service
  case method
  case extensionRange
  case reservedRange
  case enumReservedRange
  case fileOptions
  case messageOptions
  case fieldOptions
  case oneofOptions
  case enumOptions
  case enumValueOptions
  case serviceOptions
  case methodOptions
  case extensionRangeOptions
  case uninterpretedOption
  case uninterpretedOptionNamePart

  /// One field of a descriptor message.
  struct Field: Sendable {
    var name: String
    var isRepeated = false
    /// The field's message type, or `nil` for scalars, strings and bytes.
    var message: DescriptorSchema? = nil
  }

  /// The fields of this message, by number.
  var fields: [Int: Field] {
    switch self {
    case .file:
      [
        1: Field(name: "name"),
        2: Field(name: "package"),
        3: Field(name: "dependency", isRepeated: true),
        4: Field(name: "message_type", isRepeated: true, message: .message),
        5: Field(name: "enum_type", isRepeated: true, message: .enumeration),
        6: Field(name: "service", isRepeated: true, message: .service),
        7: Field(name: "extension", isRepeated: true, message: .field),
        8: Field(name: "options", message: .fileOptions),
        9: Field(name: "source_code_info"),
        10: Field(name: "public_dependency", isRepeated: true),
        11: Field(name: "weak_dependency", isRepeated: true),
        12: Field(name: "syntax"),
      ]
    case .message:
      [
        1: Field(name: "name"),
        2: Field(name: "field", isRepeated: true, message: .field),
        3: Field(name: "nested_type", isRepeated: true, message: .message),
        4: Field(name: "enum_type", isRepeated: true, message: .enumeration),
        5: Field(name: "extension_range", isRepeated: true, message: .extensionRange),
        6: Field(name: "extension", isRepeated: true, message: .field),
        7: Field(name: "options", message: .messageOptions),
        8: Field(name: "oneof_decl", isRepeated: true, message: .oneof),
        9: Field(name: "reserved_range", isRepeated: true, message: .reservedRange),
        10: Field(name: "reserved_name", isRepeated: true),
      ]
    case .field:
      [
        1: Field(name: "name"),
        2: Field(name: "extendee"),
        3: Field(name: "number"),
        4: Field(name: "label"),
        5: Field(name: "type"),
        6: Field(name: "type_name"),
        7: Field(name: "default_value"),
        8: Field(name: "options", message: .fieldOptions),
        9: Field(name: "oneof_index"),
        10: Field(name: "json_name"),
        17: Field(name: "proto3_optional"),
      ]
    case .oneof:
      [1: Field(name: "name"), 2: Field(name: "options", message: .oneofOptions)]
    case .enumeration:
      [
        1: Field(name: "name"),
        2: Field(name: "value", isRepeated: true, message: .enumValue),
        3: Field(name: "options", message: .enumOptions),
        4: Field(name: "reserved_range", isRepeated: true, message: .enumReservedRange),
        5: Field(name: "reserved_name", isRepeated: true),
      ]
    case .enumValue:
      [
        1: Field(name: "name"), 2: Field(name: "number"),
        3: Field(name: "options", message: .enumValueOptions),
      ]
    case .service:
      [
        1: Field(name: "name"),
        2: Field(name: "method", isRepeated: true, message: .method),
        3: Field(name: "options", message: .serviceOptions),
      ]
    case .method:
      [
        1: Field(name: "name"),
        2: Field(name: "input_type"),
        3: Field(name: "output_type"),
        4: Field(name: "options", message: .methodOptions),
        5: Field(name: "client_streaming"),
        6: Field(name: "server_streaming"),
      ]
    case .extensionRange:
      [
        1: Field(name: "start"), 2: Field(name: "end"),
        3: Field(name: "options", message: .extensionRangeOptions),
      ]
    case .reservedRange, .enumReservedRange:
      [1: Field(name: "start"), 2: Field(name: "end")]
    case .fileOptions:
      Self.withUninterpreted([
        1: Field(name: "java_package"),
        8: Field(name: "java_outer_classname"),
        9: Field(name: "optimize_for"),
        10: Field(name: "java_multiple_files"),
        11: Field(name: "go_package"),
        16: Field(name: "cc_generic_services"),
        17: Field(name: "java_generic_services"),
        18: Field(name: "py_generic_services"),
        20: Field(name: "java_generate_equals_and_hash"),
        23: Field(name: "deprecated"),
        27: Field(name: "java_string_check_utf8"),
        31: Field(name: "cc_enable_arenas"),
        36: Field(name: "objc_class_prefix"),
        37: Field(name: "csharp_namespace"),
        39: Field(name: "swift_prefix"),
        40: Field(name: "php_class_prefix"),
        41: Field(name: "php_namespace"),
        42: Field(name: "php_generic_services"),
        44: Field(name: "php_metadata_namespace"),
        45: Field(name: "ruby_package"),
      ])
    case .messageOptions:
      Self.withUninterpreted([
        1: Field(name: "message_set_wire_format"),
        2: Field(name: "no_standard_descriptor_accessor"),
        3: Field(name: "deprecated"),
        7: Field(name: "map_entry"),
      ])
    case .fieldOptions:
      Self.withUninterpreted([
        1: Field(name: "ctype"),
        2: Field(name: "packed"),
        3: Field(name: "deprecated"),
        5: Field(name: "lazy"),
        6: Field(name: "jstype"),
        10: Field(name: "weak"),
        15: Field(name: "unverified_lazy"),
      ])
    case .enumOptions:
      Self.withUninterpreted([2: Field(name: "allow_alias"), 3: Field(name: "deprecated")])
    case .enumValueOptions:
      Self.withUninterpreted([1: Field(name: "deprecated")])
    case .serviceOptions:
      Self.withUninterpreted([33: Field(name: "deprecated")])
    case .methodOptions:
      Self.withUninterpreted([33: Field(name: "deprecated"), 34: Field(name: "idempotency_level")])
    case .oneofOptions, .extensionRangeOptions:
      Self.withUninterpreted([:])
    case .uninterpretedOption:
      [
        2: Field(name: "name", isRepeated: true, message: .uninterpretedOptionNamePart),
        3: Field(name: "identifier_value"),
        4: Field(name: "positive_int_value"),
        5: Field(name: "negative_int_value"),
        6: Field(name: "double_value"),
        7: Field(name: "string_value"),
        8: Field(name: "aggregate_value"),
      ]
    case .uninterpretedOptionNamePart:
      [1: Field(name: "name_part"), 2: Field(name: "is_extension")]
    }
  }

  private static func withUninterpreted(_ fields: [Int: Field]) -> [Int: Field] {
    fields.merging([
      999: Field(name: "uninterpreted_option", isRepeated: true, message: .uninterpretedOption)
    ]) { $1 }
  }
}
