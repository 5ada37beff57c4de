/// A proto field as the generated Swift code declares, sizes, writes and reads it.
struct SwiftField {
  /// How the field is stored and when it is written.
  enum Storage {
    /// A non-optional value written unless it is the default (proto3 implicit presence).
    case implicit
    /// An optional value written when set: proto3 `optional`, or a singular message.
    case explicit
    /// An optional message stored in a `ProtobufBox` because its type can contain this message.
    case boxed
    case repeated(packed: Bool)
    /// A dictionary; ``SwiftField/codec`` and ``SwiftField/valueType`` describe its values.
    case map(keyType: String, keyCodec: String)
    /// A member of the oneof at this index of ``ProtoMessage/oneofs``; `indirect` when boxed.
    case oneofMember(oneofIndex: Int, indirect: Bool)
  }

  var proto: ProtoField
  /// The property (or oneof case) name, escaped if it is a keyword.
  var name: String
  var storage: Storage
  /// The value type: `String`, `Demo_Color`, `Demo_Sample.Inner`; the dictionary value type for maps.
  var valueType: String
  /// The runtime field type that sizes, writes and reads one value: `ProtobufString`,
  /// `ProtobufMessageField<Demo_Sample.Inner>`; the dictionary value's codec for maps.
  var codec: String
  /// The default value of ``valueType``: `""`, `0`, `Demo_Color()`, `Demo_Sample.Inner()`.
  var valueDefault: String
  var isMessage: Bool

  init(
    _ field: ProtoField,
    in message: ProtoMessage,
    types: SwiftTypeTable,
    cycles: MessageCycles
  ) {
    proto = field
    name = SwiftNames.memberName(field.name, reserved: SwiftNames.reservedMessageMembers)
    let value: ProtoFieldType
    if case .map(let key, let mapValue) = field.type {
      value = mapValue
      storage = .map(keyType: Self.scalarSwiftType(key), keyCodec: Self.scalarCodec(key))
    } else {
      value = field.type
      let containsSelf =
        if case .message(let type) = field.type {
          cycles.typeContains(type, message.fullName)
        } else {
          false
        }
      storage =
        if let oneofIndex = field.oneofIndex {
          .oneofMember(oneofIndex: oneofIndex, indirect: containsSelf)
        } else if field.label == .repeated {
          .repeated(packed: field.isPacked)
        } else if containsSelf {
          .boxed
        } else if field.label == .optional || Self.isMessage(field.type) {
          .explicit
        } else {
          .implicit
        }
    }
    isMessage = Self.isMessage(value)
    switch value {
    case .scalar(let scalar):
      valueType = Self.scalarSwiftType(scalar)
      codec = Self.scalarCodec(scalar)
      valueDefault = Self.scalarDefault(scalar)
    case .enumeration(let fullName):
      valueType = types.swiftName(of: fullName)
      codec = "ProtobufEnumField<\(valueType)>"
      valueDefault = "\(valueType)()"
    case .message(let fullName), .named(let fullName):
      valueType = types.swiftName(of: fullName)
      codec = "ProtobufMessageField<\(valueType)>"
      valueDefault = "\(valueType)()"
    case .map:
      // The parser never produces a map of maps; treat it as bytes rather than trap on input.
      valueType = "[UInt8]"
      codec = "ProtobufBytes"
      valueDefault = "[]"
    }
  }

  /// The declared type of the property: `String`, `UInt64?`, `[Int32]`, `[String: Demo_Color]`.
  var declaredType: String {
    switch storage {
    case .implicit, .oneofMember: valueType
    case .explicit, .boxed: valueType + "?"
    case .repeated: "[\(valueType)]"
    case .map(let keyType, _): "[\(keyType): \(valueType)]"
    }
  }

  /// The initial value of the property.
  var declaredDefault: String {
    switch storage {
    case .implicit, .oneofMember: valueDefault
    case .explicit, .boxed: "nil"
    case .repeated: "[]"
    case .map: "[:]"
    }
  }

  /// The storage property of a boxed field: `_parent`.
  var boxName: String { "_" + SwiftNames.unescaped(name) }

  private static func isMessage(_ type: ProtoFieldType) -> Bool {
    if case .message = type { true } else { false }
  }

  private static func scalarSwiftType(_ scalar: ProtoScalarType) -> String {
    switch scalar {
    case .double: "Double"
    case .float: "Float"
    case .int32, .sint32, .sfixed32: "Int32"
    case .int64, .sint64, .sfixed64: "Int64"
    case .uint32, .fixed32: "UInt32"
    case .uint64, .fixed64: "UInt64"
    case .bool: "Bool"
    case .string: "String"
    case .bytes: "[UInt8]"
    }
  }

  private static func scalarCodec(_ scalar: ProtoScalarType) -> String {
    switch scalar {
    case .double: "ProtobufDouble"
    case .float: "ProtobufFloat"
    case .int32: "ProtobufInt32"
    case .int64: "ProtobufInt64"
    case .uint32: "ProtobufUInt32"
    case .uint64: "ProtobufUInt64"
    case .sint32: "ProtobufSInt32"
    case .sint64: "ProtobufSInt64"
    case .fixed32: "ProtobufFixed32"
    case .fixed64: "ProtobufFixed64"
    case .sfixed32: "ProtobufSFixed32"
    case .sfixed64: "ProtobufSFixed64"
    case .bool: "ProtobufBool"
    case .string: "ProtobufString"
    case .bytes: "ProtobufBytes"
    }
  }

  private static func scalarDefault(_ scalar: ProtoScalarType) -> String {
    switch scalar {
    case .bool: "false"
    case .string: "\"\""
    case .bytes: "[]"
    default: "0"
    }
  }
}
