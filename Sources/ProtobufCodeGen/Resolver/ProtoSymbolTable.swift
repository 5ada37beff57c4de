/// Every name the files of a set declare, for type lookup and duplicate detection.
///
/// Like protoc's descriptor pool it holds packages (and their prefixes), messages, enums, services,
/// and the names that share their scopes: fields, oneofs, methods, and enum values (which C++ scoping
/// puts next to their enum, not inside it).
struct ProtoSymbolTable {
  enum Kind: Hashable, Sendable {
    case package, message, enumeration, service, method, field, oneof, enumValue

    /// Messages and enums: what a field can have as its type.
    var isType: Bool { self == .message || self == .enumeration }

    /// Names that contain other names.
    var isAggregate: Bool { isType || self == .package || self == .service }

    var noun: String {
      switch self {
      case .package: "a package"
      case .message: "a message"
      case .enumeration: "an enum"
      case .service: "a service"
      case .method: "a method"
      case .field: "a field"
      case .oneof: "a oneof"
      case .enumValue: "an enum value"
      }
    }
  }

  struct Symbol: Hashable, Sendable {
    var kind: Kind
    /// ``ProtoFile/name`` of the declaring file.
    var file: String
    var location: SourceLocation
  }

  /// The result of looking a name up from one file.
  enum Lookup: Hashable, Sendable {
    case found(fullName: String, kind: Kind)
    /// The name exists, but in a file the looking file does not import.
    case notImported(fullName: String, file: String)
    case notFound
  }

  private var symbols: [String: Symbol] = [:]
  /// Packages and their prefixes, with the files that declare them.
  private var packages: [String: Set<String>] = [:]
  /// `duplicateName` errors found while filling the table.
  private(set) var errors: [CodeGenError] = []

  /// Fills the table from `files` in dependency order, so that a duplicate is reported at the later
  /// declaration.
  init(files: [ProtoFile]) {
    for file in files where !file.package.isEmpty {
      var prefix = ""
      for component in file.package.split(separator: ".") {
        prefix += prefix.isEmpty ? String(component) : ".\(component)"
        packages[prefix, default: []].insert(file.name)
      }
    }
    for file in files {
      for message in file.messages { add(message, file: file.name) }
      for enumeration in file.enums { add(enumeration, file: file.name) }
      for service in file.services {
        define(service.fullName, .service, file: file.name, at: service.location)
        for method in service.methods {
          define(
            "\(service.fullName).\(method.name)",
            .method,
            file: file.name,
            at: method.location
          )
        }
      }
    }
  }

  private mutating func add(_ message: ProtoMessage, file: String) {
    define(message.fullName, .message, file: file, at: message.location)
    for field in message.fields {
      define("\(message.fullName).\(field.name)", .field, file: file, at: field.location)
    }
    for oneof in message.oneofs {
      define("\(message.fullName).\(oneof.name)", .oneof, file: file, at: oneof.location)
    }
    for nested in message.messages { add(nested, file: file) }
    for enumeration in message.enums { add(enumeration, file: file) }
  }

  private mutating func add(_ enumeration: ProtoEnum, file: String) {
    define(enumeration.fullName, .enumeration, file: file, at: enumeration.location)
    let scope = Self.parentScope(of: enumeration.fullName)
    for value in enumeration.values {
      let fullName = scope.isEmpty ? value.name : "\(scope).\(value.name)"
      define(fullName, .enumValue, file: file, at: value.location)
    }
  }

  private mutating func define(
    _ fullName: String,
    _ kind: Kind,
    file: String,
    at location: SourceLocation
  ) {
    if let existing = symbols[fullName] {
      var message = "\"\(fullName)\" is already defined at \(existing.location)"
      if kind == .enumValue || existing.kind == .enumValue {
        message += "; enum values are scoped like C++ enumerators, as siblings of their enum"
      }
      errors.append(CodeGenError(.duplicateName, message, at: location))
    } else if packages[fullName] != nil {
      errors.append(
        CodeGenError(
          .duplicateName,
          "\"\(fullName)\" is already defined as a package",
          at: location
        )
      )
    } else {
      symbols[fullName] = Symbol(kind: kind, file: file, location: location)
    }
  }

  /// `a.b.C` → `a.b`; `C` → `""`.
  static func parentScope(of fullName: String) -> String {
    guard let dot = fullName.lastIndex(of: ".") else { return "" }
    return String(fullName[..<dot])
  }

  /// The symbol or package named `fullName`, as seen from a file that can see `visibleFiles`.
  func find(_ fullName: String, visibleFiles: Set<String>) -> Lookup {
    if let symbol = symbols[fullName] {
      guard visibleFiles.contains(symbol.file) else {
        return .notImported(fullName: fullName, file: symbol.file)
      }
      return .found(fullName: fullName, kind: symbol.kind)
    }
    if let files = packages[fullName] {
      guard files.isDisjoint(with: visibleFiles) else {
        return .found(fullName: fullName, kind: .package)
      }
      return .notImported(fullName: fullName, file: files.sorted()[0])
    }
    return .notFound
  }

  /// Resolves a type name as written, like protoc.
  ///
  /// A leading dot makes the name fully qualified. Otherwise the first component of the name is searched
  /// in `scope` and then in each enclosing scope (`pkg.Outer.Inner`, `pkg.Outer`, `pkg`, the root);
  /// the first scope that has it, as a type or, for a dotted name, as anything that contains names,
  /// decides, and the rest of the name is looked up inside it. Names in files that are not visible are
  /// skipped, but reported when nothing else matches.
  ///
  /// - Returns: The match; a match that is not a message or enum is returned only when no type matches.
  func resolveType(_ name: String, scope: String, visibleFiles: Set<String>) -> Lookup {
    if name.hasPrefix(".") { return find(String(name.dropFirst()), visibleFiles: visibleFiles) }
    let firstEnd = name.firstIndex(of: ".") ?? name.endIndex
    let first = name[..<firstEnd]
    let rest = name[firstEnd...]
    var scope = scope
    var fallback = Lookup.notFound
    while true {
      let candidate = scope.isEmpty ? String(first) : "\(scope).\(first)"
      switch find(candidate, visibleFiles: visibleFiles) {
      case .found(_, let kind) where !rest.isEmpty:
        if kind.isAggregate { return find(candidate + rest, visibleFiles: visibleFiles) }
      case .found(_, let kind):
        if kind.isType { return .found(fullName: candidate, kind: kind) }
        if fallback == .notFound { fallback = .found(fullName: candidate, kind: kind) }
      case .notImported where fallback == .notFound:
        let hidden = find(candidate + rest, visibleFiles: [])
        if case .notImported = hidden { fallback = hidden }
      case .notImported, .notFound:
        break
      }
      if scope.isEmpty { return fallback }
      scope = Self.parentScope(of: scope)
    }
  }
}
