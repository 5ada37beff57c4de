import Foundation

/// A target's `protobuf-codegen.json`: more `.proto` files to generate and where to find them.
struct ProtobufCodeGenConfiguration {
  static let fileName = "protobuf-codegen.json"

  /// The JSON as written.
  private struct Contents: Decodable {
    var importPaths: [String]?
    var files: [String]?
    var visibility: String?
    var services: Bool?
    var generateWellKnownTypes: Bool?
  }

  /// The configuration file.
  var url: URL
  /// The directory of the configuration file, which its relative paths start from.
  var directory: URL
  var importPaths: [URL]
  /// Names relative to an import path.
  var files: [String]
  /// `public`, `package` or `internal`; `nil` leaves the generator's default (`public`).
  var visibility: String?
  /// `false` leaves out the services' server protocols and clients (`--no-services`), so the
  /// target needs no `GRPCKit`; `nil` or `true` generates them.
  var services: Bool?
  /// `true` only in the module that declares the well-known types (`ProtobufWellKnownTypes`):
  /// `google/protobuf/*.proto` are generated in full (`--generate-well-known-types`) instead of
  /// being left to that module.
  var generatesWellKnownTypes: Bool

  /// Reads and decodes the configuration at `url`.
  ///
  /// - Throws: ``ProtobufCodeGenPluginError`` when the file cannot be read or decoded.
  init(contentsOf url: URL) throws {
    let contents: Contents
    do {
      contents = try JSONDecoder().decode(Contents.self, from: Data(contentsOf: url))
    } catch {
      throw ProtobufCodeGenPluginError.invalidConfiguration(url, error)
    }
    let directory = url.deletingLastPathComponent().standardizedFileURL
    self.url = url
    self.directory = directory
    importPaths = (contents.importPaths ?? []).map { path in
      path.hasPrefix("/")
        ? URL(filePath: path) : directory.appending(path: path).standardizedFileURL
    }
    files = contents.files ?? []
    visibility = contents.visibility
    services = contents.services
    generatesWellKnownTypes = contents.generateWellKnownTypes ?? false
  }
}
