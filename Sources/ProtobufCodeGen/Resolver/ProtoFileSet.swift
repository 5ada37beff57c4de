/// A set of parsed and resolved `.proto` files, as ``ProtoLoader/load(_:)`` returns them.
///
/// Every ``ProtoFieldType/named(_:)`` is resolved to ``ProtoFieldType/message(_:)`` or
/// ``ProtoFieldType/enumeration(_:)``, and method input and output types are fully qualified.
public struct ProtoFileSet: Hashable, Sendable {
  /// The files in dependency order: every file comes after the files it imports.
  public var files: [ProtoFile]

  /// Creates a set from files already in dependency order.
  public init(files: [ProtoFile]) {
    self.files = files
  }

  /// The file whose ``ProtoFile/name`` is `name` (`grpc/health/v1/health.proto`).
  public func file(named name: String) -> ProtoFile? {
    files.first { $0.name == name }
  }

  /// The message with the fully-qualified name `fullName` (no leading dot), nested messages included.
  public func message(named fullName: String) -> ProtoMessage? {
    for file in files {
      var pending = file.messages
      while let message = pending.popLast() {
        if message.fullName == fullName { return message }
        pending += message.messages
      }
    }
    return nil
  }

  /// The enum with the fully-qualified name `fullName` (no leading dot), nested enums included.
  public func enumeration(named fullName: String) -> ProtoEnum? {
    for file in files {
      if let found = file.enums.first(where: { $0.fullName == fullName }) { return found }
      var pending = file.messages
      while let message = pending.popLast() {
        if let found = message.enums.first(where: { $0.fullName == fullName }) { return found }
        pending += message.messages
      }
    }
    return nil
  }

  /// The file that declares the message, enum or service named `fullName` (no leading dot).
  public func fileDeclaring(_ fullName: String) -> ProtoFile? {
    files.first { file in
      file.services.contains { $0.fullName == fullName }
        || file.enums.contains { $0.fullName == fullName }
        || Self.declares(fullName, in: file.messages)
    }
  }

  private static func declares(_ fullName: String, in messages: [ProtoMessage]) -> Bool {
    messages.contains { message in
      message.fullName == fullName || message.enums.contains { $0.fullName == fullName }
        || declares(fullName, in: message.messages)
    }
  }
}
