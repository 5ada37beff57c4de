import GRPCKit

/// The state of one `ServerReflectionInfo` stream: which files it has sent, so that dependencies
/// are sent once per stream.
struct ReflectionSession {
  let index: DescriptorIndex
  private var sentFiles: Set<String> = []

  init(index: DescriptorIndex) {
    self.index = index
  }

  /// Answers one query; unknown names give `NOT_FOUND` answers that name them.
  mutating func answer(_ query: ReflectionQuery) -> ReflectionAnswer {
    switch query {
    case .listServices:
      return .serviceNames(self.index.serviceNames)

    case .fileByFilename(let name):
      guard let file = self.index.files[name] else {
        return .error(.notFound, "file \"\(name)\" not found")
      }
      return .fileDescriptors(self.index.fileWithDependencies(file, sent: &self.sentFiles))

    case .fileContainingSymbol(let symbol):
      let name = Self.withoutLeadingDot(symbol)
      guard let entry = self.index.symbols[name], let file = self.index.files[entry.file] else {
        return .error(.notFound, "symbol \"\(symbol)\" not found")
      }
      return .fileDescriptors(self.index.fileWithDependencies(file, sent: &self.sentFiles))

    case .fileContainingExtension(let type, let number):
      return .error(
        .notFound,
        "extension \(number) of \"\(type)\" not found: no extensions are served"
      )

    case .allExtensionNumbersOfType(let type):
      let name = Self.withoutLeadingDot(type)
      guard self.index.symbols[name]?.kind == .message else {
        return .error(.notFound, "message type \"\(type)\" not found")
      }
      return .extensionNumbers(baseTypeName: name, numbers: [])
    }
  }

  private static func withoutLeadingDot(_ name: String) -> String {
    name.hasPrefix(".") ? String(name.dropFirst()) : name
  }
}
