import Foundation

/// Why the plugin could not plan the generation for a target.
enum ProtobufCodeGenPluginError: Error, CustomStringConvertible {
  /// `protobuf-codegen.json` is not valid JSON of the expected shape.
  case invalidConfiguration(URL, any Error)
  /// A file listed in `protobuf-codegen.json` is in none of its import paths.
  case fileNotFound(String, configuration: URL, importPaths: [URL])

  var description: String {
    switch self {
    case .invalidConfiguration(let url, let error):
      "\(url.path(percentEncoded: false)): error: cannot read the configuration: \(error)"
    case .fileNotFound(let name, let configuration, let importPaths):
      "\(configuration.path(percentEncoded: false)): error: '\(name)' is in none of the import paths "
        + importPaths.map { $0.path(percentEncoded: false) }.joined(separator: ", ")
    }
  }
}
