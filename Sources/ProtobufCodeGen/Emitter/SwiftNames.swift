/// The rules that turn protobuf names into Swift names.
///
/// They follow swift-protobuf where it has a rule (package prefixes, lowerCamelCase fields,
/// enum prefix stripping) so that generated APIs look familiar.
enum SwiftNames {
  /// The prefix of top-level types from `package`: `a.b_c` → `A_BC_`; `""` when there is no package.
  static func typePrefix(package: String) -> String {
    guard !package.isEmpty else { return "" }
    let components = package.split(separator: ".").map { component in
      component.split(separator: "_").map { upperFirst(String($0)) }.joined()
    }
    return components.joined(separator: "_") + "_"
  }

  /// `foo_bar` → `fooBar`, `HTTPPath` → `httpPath`, `COLOR_RED` → `colorRed`.
  ///
  /// Parts between underscores that have no lowercase letter are lowercased first; the leading
  /// uppercase run of the first part is lowercased (keeping the last capital of an acronym that
  /// starts the next word).
  static func lowerCamelCase(_ name: String) -> String {
    let parts = name.split(separator: "_").map { part in
      part.contains(where: \.isLowercase) ? String(part) : part.lowercased()
    }
    guard let first = parts.first else { return name }
    return lowerLeadingRun(first) + parts.dropFirst().map(upperFirst).joined()
  }

  /// `foo_bar` → `FooBar`, `health` → `Health`.
  static func upperCamelCase(_ name: String) -> String {
    name.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map { upperFirst(String($0)) }
      .joined()
  }

  /// A property, case or parameter name: lowerCamelCase, with `_p` added to names that clash with
  /// `reserved`, `_` added before a leading digit, and backticks around Swift keywords.
  static func memberName(_ protoName: String, reserved: Set<String>) -> String {
    var name = lowerCamelCase(protoName)
    if name.first?.isNumber ?? true { name = "_" + name }
    if reserved.contains(name) { name += "_p" }
    return escapedIfKeyword(name)
  }

  /// A type name: names that would hide a Swift or runtime type the generated code uses, or that
  /// Swift forbids as a nested type (`Type`), get `suffix` (`Message` or `Enum`).
  static func typeName(_ protoName: String, suffix: String) -> String {
    reservedTypeNames.contains(protoName) ? protoName + suffix : protoName
  }

  /// A top-level type name in a file without a package: as ``typeName(_:suffix:)``, and also
  /// names that would hide, inside a service's namespace, the type the generated stubs mean
  /// (`Client`, `ServiceProtocol`, `Method`, `Void`, the `GRPCKit` module).
  static func topLevelTypeName(_ protoName: String, suffix: String) -> String {
    serviceScopeTypeNames.contains(protoName)
      ? protoName + suffix : typeName(protoName, suffix: suffix)
  }

  /// `name` in backticks when it is a Swift keyword.
  static func escapedIfKeyword(_ name: String) -> String {
    keywords.contains(name) ? "`\(name)`" : name
  }

  /// `name` without backticks, for building derived names (`_parent`).
  static func unescaped(_ name: String) -> String {
    name.filter { $0 != "`" }
  }

  /// Members every generated message has; fields with these names get a `_p` suffix.
  static let reservedMessageMembers: Set<String> = [
    "unknownFields", "encodedSize", "encode", "decodeField", "protoMessageName", "serializedBytes",
    "hashValue", "hash", "init", "self", "Type", "Protocol",
  ]

  /// Members every generated enum has; values with these names get a `_p` suffix.
  static let reservedEnumMembers: Set<String> = [
    "unrecognized", "allCases", "rawValue", "hashValue", "hash", "init", "self", "Type", "Protocol",
  ]

  private static func upperFirst(_ word: String) -> String {
    guard let first = word.first else { return word }
    return first.uppercased() + word.dropFirst()
  }

  /// `HTTPPath` → `httpPath`, `Foo` → `foo`, `ID` → `id`.
  private static func lowerLeadingRun(_ word: String) -> String {
    let characters = Array(word)
    var runEnd = 0
    while runEnd < characters.count && characters[runEnd].isUppercase { runEnd += 1 }
    // In `HTTPPath` the run is `HTTPP`; its last capital starts the next word.
    if runEnd > 1 && runEnd < characters.count && characters[runEnd].isLowercase { runEnd -= 1 }
    return characters[..<runEnd].map { $0.lowercased() }.joined() + String(characters[runEnd...])
  }

  /// Swift and runtime type names that generated code spells bare.
  private static let reservedTypeNames: Set<String> = [
    "Type", "Protocol", "Self", "Any", "Error", "Hashable", "Sendable", "CaseIterable",
    "String", "Bool", "Int", "Int32", "Int64", "UInt8", "UInt32", "UInt64", "Float", "Double",
    "Array", "Dictionary", "Optional",
    "UnknownFields", "WireType", "WireDecodingError", "ProtobufMessage", "ProtobufEnum",
    "ProtobufBox", "ProtobufEncoder", "ProtobufDecoder", "ProtobufSize", "ProtobufRuntime",
  ]

  /// Names that service stubs declare or spell bare inside a service's namespace.
  private static let serviceScopeTypeNames: Set<String> = [
    "Client", "ServiceProtocol", "Method", "Void", "GRPCKit",
  ]

  /// Words that need backticks as identifiers.
  private static let keywords: Set<String> = [
    // Declarations.
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import",
    "init", "inout", "internal", "let", "open", "operator", "private", "precedencegroup",
    "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias", "var",
    // Statements.
    "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough", "for",
    "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while",
    // Expressions and types.
    "as", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try",
    // Contextual keywords, escaped to be safe.
    "package", "consume", "copy", "discard", "each", "some", "any", "borrowing", "consuming",
    "macro",
  ]
}
