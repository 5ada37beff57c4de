import Foundation

/// One `.proto` file to generate, with the import paths that resolve it and its imports.
struct ProtoInput {
  /// The file's name relative to an import path, as `protobuf-codegen` takes it.
  var name: String
  var url: URL
  var importPaths: [URL]
  var visibility: String?
  /// Whether services get a server protocol and a client.
  var generatesServiceStubs: Bool
  /// Whether well-known files are generated in full (only in the module that declares them).
  var generatesWellKnownTypes: Bool
  var configurationFile: URL?

  /// The generated file's name, as `protobuf-codegen` derives it:
  /// `grpc/health/v1/health.proto` → `grpc_health_v1_health.pb.swift`.
  var outputName: String {
    let stem = name.hasSuffix(".proto") ? String(name.dropLast(".proto".count)) : name
    return String(stem.map { $0 == "/" || $0 == "." ? "_" : $0 }) + ".pb.swift"
  }

  /// The first file named `name` under one of `importPaths`.
  static func locate(_ name: String, in importPaths: [URL]) -> URL? {
    importPaths.lazy.map { $0.appending(path: name).standardizedFileURL }
      .first { FileManager.default.fileExists(atPath: $0.path(percentEncoded: false)) }
  }

  /// The files this file imports, directly or not, that can be found in the import paths; they
  /// are build inputs so that editing one regenerates this file. The generator reports the ones
  /// it cannot find.
  func importedFiles() -> [URL] {
    var found: [URL] = []
    var seen: Set<String> = [name]
    var pending = [url]
    while let file = pending.popLast() {
      guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
      for imported in Self.imports(in: text) where seen.insert(imported).inserted {
        guard let importedURL = Self.locate(imported, in: importPaths) else { continue }
        found.append(importedURL)
        pending.append(importedURL)
      }
    }
    return found
  }

  /// The names in `import "name";` statements, found line by line (enough for build inputs).
  private static func imports(in text: String) -> [String] {
    text.split(whereSeparator: \.isNewline).compactMap { line in
      let words = line.split(whereSeparator: \.isWhitespace)
      guard words.first == "import" else { return nil }
      let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
      return quoted.count >= 3 ? String(quoted[1]) : nil
    }
  }
}
