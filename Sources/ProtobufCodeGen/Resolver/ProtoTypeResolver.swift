/// Replaces the type names of one file with what they name: ``ProtoFieldType/named(_:)`` becomes
/// ``ProtoFieldType/message(_:)`` or ``ProtoFieldType/enumeration(_:)``, and method types become
/// fully-qualified message names.
struct ProtoTypeResolver {
  private let table: ProtoSymbolTable
  private let fileName: String
  /// The file itself, its imports, and what those import publicly.
  private let visibleFiles: Set<String>
  /// Every name that did not resolve, in declaration order.
  private(set) var errors: [CodeGenError] = []

  init(table: ProtoSymbolTable, fileName: String, visibleFiles: Set<String>) {
    self.table = table
    self.fileName = fileName
    self.visibleFiles = visibleFiles
  }

  /// Returns `file` with its names resolved; names that do not resolve stay as written and add an error.
  mutating func resolve(_ file: ProtoFile) -> ProtoFile {
    var file = file
    for index in file.messages.indices { resolve(&file.messages[index]) }
    for serviceIndex in file.services.indices {
      let service = file.services[serviceIndex]
      for index in service.methods.indices {
        var method = service.methods[index]
        let context = "method \"\(method.name)\" of service \"\(service.fullName)\""
        method.inputType = resolveMessage(
          method.inputType,
          scope: service.fullName,
          context: "the request type of \(context)",
          at: method.inputTypeLocation
        )
        method.outputType = resolveMessage(
          method.outputType,
          scope: service.fullName,
          context: "the response type of \(context)",
          at: method.outputTypeLocation
        )
        file.services[serviceIndex].methods[index] = method
      }
    }
    return file
  }

  private mutating func resolve(_ message: inout ProtoMessage) {
    for index in message.fields.indices {
      let field = message.fields[index]
      let context = "field \"\(field.name)\" of message \"\(message.fullName)\""
      switch field.type {
      case .named(let name):
        message.fields[index].type = resolveField(
          name,
          scope: message.fullName,
          context: context,
          at: field.typeLocation
        )
      case .map(let key, .named(let name)):
        let value = resolveField(
          name,
          scope: message.fullName,
          context: context,
          at: field.typeLocation
        )
        message.fields[index].type = .map(key: key, value: value)
      case .scalar, .message, .enumeration, .map:
        break
      }
    }
    for index in message.messages.indices { resolve(&message.messages[index]) }
  }

  /// Resolves a field type to a message or enum.
  private mutating func resolveField(
    _ name: String,
    scope: String,
    context: String,
    at location: SourceLocation
  ) -> ProtoFieldType {
    guard let (fullName, kind) = lookup(name, scope: scope, context: context, at: location) else {
      return .named(name)
    }
    switch kind {
    case .message:
      return .message(fullName)
    case .enumeration:
      return .enumeration(fullName)
    default:
      let message = "\"\(fullName)\" is \(kind.noun), not a message or enum, in \(context)"
      errors.append(CodeGenError(.invalidType, message, at: location))
      return .named(name)
    }
  }

  /// Resolves a method type to a fully-qualified message name.
  private mutating func resolveMessage(
    _ name: String,
    scope: String,
    context: String,
    at location: SourceLocation
  ) -> String {
    guard let (fullName, kind) = lookup(name, scope: scope, context: context, at: location) else {
      return name
    }
    guard kind == .message else {
      let message = "\"\(fullName)\" is \(kind.noun), not a message, in \(context)"
      errors.append(CodeGenError(.invalidType, message, at: location))
      return name
    }
    return fullName
  }

  /// Looks `name` up, adding an `unknownType` or `missingImport` error when it is not visible.
  private mutating func lookup(
    _ name: String,
    scope: String,
    context: String,
    at location: SourceLocation
  ) -> (fullName: String, kind: ProtoSymbolTable.Kind)? {
    switch table.resolveType(name, scope: scope, visibleFiles: visibleFiles) {
    case .found(let fullName, let kind):
      return (fullName, kind)
    case .notImported(_, let file):
      let message =
        "type \"\(name)\" is defined in \"\(file)\", which \"\(fileName)\" does not import"
      errors.append(CodeGenError(.missingImport, message, at: location))
    case .notFound:
      errors.append(
        CodeGenError(.unknownType, "unknown type \"\(name)\" in \(context)", at: location)
      )
    }
    return nil
  }
}
