/// One parsed `.proto` file.
///
/// The parser fills every property from the source text; the resolver then fills
/// ``ProtoFieldType/named(_:)`` into ``ProtoFieldType/message(_:)`` or ``ProtoFieldType/enumeration(_:)``
/// and the method input and output types with fully-qualified names.
public struct ProtoFile: Hashable, Sendable {
  /// The file's name relative to its import root, as `import` statements and descriptors name it
  /// (`grpc/health/v1/health.proto`).
  public var name: String
  /// `proto3` (the only syntax accepted).
  public var syntax: String
  /// The `package` declaration, or `""` when there is none.
  public var package: String
  public var imports: [ProtoImport]
  public var options: [ProtoOption]
  public var messages: [ProtoMessage]
  public var enums: [ProtoEnum]
  public var services: [ProtoService]

  public init(
    name: String,
    syntax: String = "proto3",
    package: String = "",
    imports: [ProtoImport] = [],
    options: [ProtoOption] = [],
    messages: [ProtoMessage] = [],
    enums: [ProtoEnum] = [],
    services: [ProtoService] = []
  ) {
    self.name = name
    self.syntax = syntax
    self.package = package
    self.imports = imports
    self.options = options
    self.messages = messages
    self.enums = enums
    self.services = services
  }
}

/// An `import` statement.
public struct ProtoImport: Hashable, Sendable {
  public enum Kind: Hashable, Sendable {
    case normal
    case `public`
    case weak
  }

  /// The imported file's name relative to an import root.
  public var path: String
  public var kind: Kind
  public var location: SourceLocation

  public init(path: String, kind: Kind = .normal, location: SourceLocation) {
    self.path = path
    self.kind = kind
    self.location = location
  }
}

/// An option (`option java_package = "x";` or `[packed = false]`), kept as written.
public struct ProtoOption: Hashable, Sendable {
  public enum Value: Hashable, Sendable {
    case identifier(String)
    case string(String)
    case integer(Int64)
    case unsignedInteger(UInt64)
    case float(Double)
    case bool(Bool)
    /// An aggregate value (`{ a: 1 }`), kept as source text.
    case aggregate(String)
  }

  /// The option name as written, parentheses included for custom options (`(my.opt).field`).
  public var name: String
  public var value: Value
  public var location: SourceLocation

  public init(name: String, value: Value, location: SourceLocation) {
    self.name = name
    self.value = value
    self.location = location
  }
}

/// Comments attached to a declaration: the block right before it and the trailing comment on its line.
public struct ProtoComments: Hashable, Sendable {
  /// Comment lines before the declaration, markers (`//`, `/*`, `*/`, leading ` * `) removed.
  public var leading: [String]
  /// A comment on the same line after the declaration, markers removed.
  public var trailing: String?

  public init(leading: [String] = [], trailing: String? = nil) {
    self.leading = leading
    self.trailing = trailing
  }

  public var isEmpty: Bool { leading.isEmpty && trailing == nil }
}
