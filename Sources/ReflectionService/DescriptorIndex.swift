import GRPCKit

/// The files a reflection service serves, by file name and by every symbol they declare, and the
/// service names it lists.
struct DescriptorIndex: Sendable {
  /// The files, by name; the first file given under a name wins.
  let files: [String: ProtobufFileDescriptor]
  /// Each declared symbol's file and kind; the first file that declares a name wins.
  let symbols: [String: (file: String, kind: SymbolKind)]
  /// The names `list_services` answers, sorted.
  let serviceNames: [String]

  init(files: [ProtobufFileDescriptor], serviceNames: [String]) {
    var byName: [String: ProtobufFileDescriptor] = [:]
    var symbols: [String: (file: String, kind: SymbolKind)] = [:]
    for file in files where byName[file.name] == nil {
      byName[file.name] = file
      // The generator's own list is the fallback should its bytes ever fail to decode.
      let declared =
        (try? FileDescriptorSymbols(serialized: file.serializedProto).symbols)
        ?? Dictionary(file.symbols.map { ($0, SymbolKind.message) }) { first, _ in first }
      for (symbol, kind) in declared where symbols[symbol] == nil {
        symbols[symbol] = (file.name, kind)
      }
    }
    self.files = byName
    self.symbols = symbols
    self.serviceNames = Array(Set(serviceNames)).sorted()
  }

  /// `file` followed by its transitive dependencies, breadth first, as serialized
  /// `FileDescriptorProto`s. As in grpc-go, `file` itself is always included, while dependencies
  /// already in `sent` are left out (the client has them from earlier answers on the same
  /// stream); every file returned is added to `sent`. Dependencies that are not served are
  /// skipped.
  func fileWithDependencies(_ file: ProtobufFileDescriptor, sent: inout Set<String>) -> [[UInt8]] {
    var result: [[UInt8]] = [file.serializedProto]
    var visited: Set<String> = [file.name]
    sent.insert(file.name)
    var queue = file.dependencies[...]
    while let name = queue.popFirst() {
      guard visited.insert(name).inserted, let dependency = self.files[name] else { continue }
      if sent.insert(name).inserted { result.append(dependency.serializedProto) }
      queue.append(contentsOf: dependency.dependencies)
    }
    return result
  }
}
