import Foundation
import PackagePlugin

/// Generates Swift protobuf codecs for a target with `protobuf-codegen`, one build command per
/// `.proto` file.
///
/// The files come from two places:
/// - every `.proto` file among the target's sources, named relative to the target directory;
/// - the `files` of a `protobuf-codegen.json` in the target, named relative to its `importPaths`:
///
/// ```json
/// {"importPaths": ["../../Protos"], "files": ["chat.proto"], "visibility": "public"}
/// ```
///
/// Services get a `ServiceProtocol` and a `Client`, so the target must depend on `GRPCKit`;
/// `"services": false` leaves them out (the descriptors stay) for message-only targets.
///
/// Imports of the well-known types (`google/protobuf/timestamp.proto`, ...) need no import path:
/// the generator bundles them. Their Swift types live in the `ProtobufWellKnownTypes` product, so a
/// target whose protos use one depends on it; a copy of a well-known file among the target's
/// sources generates nothing. Only that module's own configuration says
/// `"generateWellKnownTypes": true`.
///
/// Import paths in the configuration are relative to its directory; the target directory is
/// always searched too. Generated files go to the plugin work directory and are compiled into
/// the target.
@main
struct ProtobufCodeGenPlugin: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
    guard let target = target as? SourceModuleTarget else { return [] }
    let targetDirectory = target.directoryURL.standardizedFileURL
    let configurationFiles = target.sourceFiles.map(\.url).filter {
      $0.lastPathComponent == ProtobufCodeGenConfiguration.fileName
    }
    let configurations = try configurationFiles.map {
      try ProtobufCodeGenConfiguration(contentsOf: $0)
    }

    var inputs: [ProtoInput] = []
    for file in target.sourceFiles(withSuffix: "proto") {
      let url = file.url.standardizedFileURL
      let configuration = configurations.applicable(to: url)
      inputs.append(
        ProtoInput(
          name: url.relativePath(from: targetDirectory) ?? url.lastPathComponent,
          url: url,
          importPaths: [targetDirectory] + (configuration?.importPaths ?? []),
          visibility: configuration?.visibility,
          generatesServiceStubs: configuration?.services ?? true,
          generatesWellKnownTypes: configuration?.generatesWellKnownTypes ?? false,
          configurationFile: configuration?.url
        )
      )
    }
    for configuration in configurations {
      let importPaths = configuration.importPaths + [targetDirectory]
      for name in configuration.files where !inputs.contains(where: { $0.name == name }) {
        guard let url = ProtoInput.locate(name, in: importPaths) else {
          throw ProtobufCodeGenPluginError.fileNotFound(
            name,
            configuration: configuration.url,
            importPaths: importPaths
          )
        }
        inputs.append(
          ProtoInput(
            name: name,
            url: url,
            importPaths: importPaths,
            visibility: configuration.visibility,
            generatesServiceStubs: configuration.services ?? true,
            generatesWellKnownTypes: configuration.generatesWellKnownTypes,
            configurationFile: configuration.url
          )
        )
      }
    }

    let tool = try context.tool(named: "protobuf-codegen")
    let outputDirectory = context.pluginWorkDirectoryURL
    return inputs.map { input in
      var arguments = input.importPaths.flatMap {
        ["--proto-path", $0.path(percentEncoded: false)]
      }
      arguments += ["--output-dir", outputDirectory.path(percentEncoded: false)]
      if let visibility = input.visibility { arguments += ["--visibility", visibility] }
      if !input.generatesServiceStubs { arguments.append("--no-services") }
      if input.generatesWellKnownTypes { arguments.append("--generate-well-known-types") }
      arguments.append(input.name)
      return .buildCommand(
        displayName: "Generating Swift for \(input.name)",
        executable: tool.url,
        arguments: arguments,
        inputFiles: [input.url] + input.importedFiles()
          + (input.configurationFile.map { [$0] } ?? []),
        outputFiles: [outputDirectory.appending(path: input.outputName)]
      )
    }
  }
}

extension [ProtobufCodeGenConfiguration] {
  /// The configuration in the nearest directory that contains `file`.
  fileprivate func applicable(to file: URL) -> ProtobufCodeGenConfiguration? {
    self.filter { file.relativePath(from: $0.directory) != nil }
      .max { $0.directory.pathComponents.count < $1.directory.pathComponents.count }
  }
}

extension URL {
  /// This file's path relative to `directory`, or `nil` when it is not inside it.
  fileprivate func relativePath(from directory: URL) -> String? {
    let components = standardizedFileURL.pathComponents
    let base = directory.standardizedFileURL.pathComponents
    guard components.count > base.count, Array(components.prefix(base.count)) == base else {
      return nil
    }
    return components.dropFirst(base.count).joined(separator: "/")
  }
}
