/// A field of a message.
public struct ProtoField: Hashable, Sendable {
  public enum Label: Hashable, Sendable {
    /// No label: proto3 implicit presence (or a oneof member, or a map).
    case singular
    /// proto3 `optional`: explicit presence.
    case optional
    case repeated
  }

  public var name: String
  public var number: Int32
  public var label: Label
  public var type: ProtoFieldType
  /// Index into ``ProtoMessage/oneofs`` when the field is a member of a real oneof.
  public var oneofIndex: Int?
  public var options: [ProtoOption]
  public var comments: ProtoComments
  public var location: SourceLocation
  /// Location of the type name, for "unknown type" diagnostics.
  public var typeLocation: SourceLocation

  public init(
    name: String,
    number: Int32,
    label: Label = .singular,
    type: ProtoFieldType,
    oneofIndex: Int? = nil,
    options: [ProtoOption] = [],
    comments: ProtoComments = ProtoComments(),
    location: SourceLocation,
    typeLocation: SourceLocation? = nil
  ) {
    self.name = name
    self.number = number
    self.label = label
    self.type = type
    self.oneofIndex = oneofIndex
    self.options = options
    self.comments = comments
    self.location = location
    self.typeLocation = typeLocation ?? location
  }

  /// Whether a repeated scalar or enum field is written packed: proto3's default, unless `[packed = false]`.
  public var isPacked: Bool {
    guard label == .repeated else { return false }
    switch type {
    case .scalar(let scalar) where scalar.isPackable: break
    case .enumeration: break
    default: return false
    }
    for option in options where option.name == "packed" {
      if case .bool(let value) = option.value { return value }
    }
    return true
  }

  /// The `json_name` protoc gives this field: the `json_name` option, or the name in lowerCamelCase
  /// (`foo_bar` → `fooBar`).
  public var jsonName: String {
    for option in options where option.name == "json_name" {
      if case .string(let value) = option.value { return value }
    }
    var result = ""
    var upperNext = false
    for character in name {
      if character == "_" {
        upperNext = true
      } else if upperNext {
        result += character.uppercased()
        upperNext = false
      } else {
        result.append(character)
      }
    }
    return result
  }
}

/// The type of a field.
public indirect enum ProtoFieldType: Hashable, Sendable {
  case scalar(ProtoScalarType)
  /// A type name as written, before resolution (`Foo`, `.pkg.Foo`, `Outer.Inner`).
  case named(String)
  /// A resolved message type: fully-qualified name without a leading dot.
  case message(String)
  /// A resolved enum type: fully-qualified name without a leading dot.
  case enumeration(String)
  /// `map<key, value>`; the key is an integral, bool or string scalar; the value is never a map.
  case map(key: ProtoScalarType, value: ProtoFieldType)
}

/// The fifteen protobuf scalar types.
public enum ProtoScalarType: String, Hashable, Sendable, CaseIterable {
  case double, float
  case int32, int64, uint32, uint64, sint32, sint64
  case fixed32, fixed64, sfixed32, sfixed64
  case bool, string, bytes

  /// Scalars that may be packed: every numeric type and bool (not string or bytes).
  public var isPackable: Bool { self != .string && self != .bytes }

  /// Types allowed as map keys: integral types, bool and string.
  public var isValidMapKey: Bool { self != .double && self != .float && self != .bytes }
}
