import Foundation

/// Runs the installed `protoc` to get the reference `FileDescriptorSet` of a `.proto` file.
enum DescriptorProtoc {
  /// Why protoc gave no descriptor.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// The `FileDescriptorSet` protoc writes for `file` (relative to `root`), without imports or
  /// source info.
  ///
  /// - Throws: ``Failure`` when protoc is not installed or rejects the file.
  static func descriptorSet(of file: String, root: String) throws -> [UInt8] {
    guard let protoc = executable() else {
      throw Failure(
        description:
          "protoc was not found on PATH; install protobuf-compiler "
          + "(apt-get install protobuf-compiler) "
          + "to compare our descriptors with protoc's"
      )
    }
    let output = FileManager.default.temporaryDirectory
      .appending(path: "descriptor-\(UUID().uuidString).pb")
    defer { try? FileManager.default.removeItem(at: output) }
    let process = Process()
    process.executableURL = protoc
    process.arguments = ["--descriptor_set_out=\(output.path)", "-I", root, file]
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure(
        description: "protoc failed on \(file) (exit \(process.terminationStatus)): "
          + String(decoding: message, as: UTF8.self)
      )
    }
    return Array(try Data(contentsOf: output))
  }

  private static func executable() -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = URL(filePath: String(directory)).appending(path: "protoc")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }
}
