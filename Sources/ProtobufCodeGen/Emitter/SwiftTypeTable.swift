/// The Swift name of every message and enum in a set of files, keyed by fully-qualified proto name.
///
/// Top-level types carry their file's package prefix (`grpc.health.v1.HealthCheckRequest` →
/// `Grpc_Health_V1_HealthCheckRequest`); nested types are nested Swift types (`A_Outer.Inner`).
struct SwiftTypeTable {
  private var names: [String: String] = [:]
  /// The ``ProtoFile/name`` of the file that declares each message and enum.
  private var declaringFiles: [String: String] = [:]

  init(files: [ProtoFile]) {
    for file in files {
      let prefix = SwiftNames.typePrefix(package: file.package)
      // A package prefix already keeps top-level names apart from Swift's and the stubs'; without
      // one, the reserved-name rules apply.
      func topLevel(_ name: String, suffix: String) -> String {
        prefix.isEmpty ? SwiftNames.topLevelTypeName(name, suffix: suffix) : prefix + name
      }
      for message in file.messages {
        add(message, swiftName: topLevel(message.name, suffix: "Message"), file: file.name)
      }
      for enumeration in file.enums {
        names[enumeration.fullName] = topLevel(enumeration.name, suffix: "Enum")
        declaringFiles[enumeration.fullName] = file.name
      }
    }
  }

  /// The name of the file that declares the message or enum named `fullName`, if it is in the set.
  func declaringFile(of fullName: String) -> String? {
    declaringFiles[fullName]
  }

  /// The Swift name of the message or enum named `fullName` (no leading dot).
  func swiftName(of fullName: String) -> String {
    // The resolver guarantees every referenced type is in the set; the last component is a
    // readable fallback should a caller pass a set without the file that declares the type.
    names[fullName] ?? String(fullName.split(separator: ".").last ?? Substring(fullName))
  }

  private mutating func add(_ message: ProtoMessage, swiftName: String, file: String) {
    names[message.fullName] = swiftName
    declaringFiles[message.fullName] = file
    for nested in message.messages {
      add(
        nested,
        swiftName: swiftName + "." + SwiftNames.typeName(nested.name, suffix: "Message"),
        file: file
      )
    }
    for nested in message.enums {
      names[nested.fullName] = swiftName + "." + SwiftNames.typeName(nested.name, suffix: "Enum")
      declaringFiles[nested.fullName] = file
    }
  }
}
