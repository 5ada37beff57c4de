import Foundation
import ProtobufRuntime

/// The installed `protoc`, run on the well-known files under `Protos/google/protobuf/`: the
/// reference for their wire format (`--encode`, `--decode`) and descriptors.
enum Protoc {
  /// Why protoc gave no answer.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// The package's `Protos/` directory, protoc's import path here.
  static let protosDirectory = URL(filePath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appending(path: "Protos").path

  /// protoc's text format of `bytes` decoded as `messageName` from `file`.
  static func decode(_ bytes: [UInt8], as messageName: String, in file: String) throws -> String {
    String(decoding: try run(["--decode=\(messageName)", file], input: bytes), as: UTF8.self)
  }

  /// protoc's encoding of `text`, a `messageName` in text format.
  static func encode(_ text: String, as messageName: String, in file: String) throws -> [UInt8] {
    try run(["--encode=\(messageName)", file], input: Array(text.utf8))
  }

  /// protoc's serialized `FileDescriptorProto` of `file`, alone (no imports, no source info).
  static func descriptor(of file: String) throws -> [UInt8] {
    let output = FileManager.default.temporaryDirectory
      .appending(path: "well-known-\(UUID().uuidString).pb")
    defer { try? FileManager.default.removeItem(at: output) }
    _ = try run(["--descriptor_set_out=\(output.path)", file], input: [])
    let set = Array(try Data(contentsOf: output))
    // A FileDescriptorSet whose only field is the one file (field 1).
    return try set.withUnsafeBytes { buffer in
      var decoder = ProtobufDecoder(buffer)
      let (number, _) = try decoder.readTag()
      let file = Array(try decoder.readLengthDelimited())
      guard number == 1, decoder.isAtEnd else {
        throw Failure(description: "protoc's descriptor set does not hold exactly one file")
      }
      return file
    }
  }

  private static func run(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
    guard let protoc = executable() else {
      throw Failure(
        description: "protoc was not found on PATH; apt-get install protobuf-compiler"
      )
    }
    let process = Process()
    process.executableURL = protoc
    process.arguments = ["-I", protosDirectory] + arguments
    let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    try stdin.fileHandleForWriting.write(contentsOf: Data(input))
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let errors = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure(
        description: "protoc \(arguments.joined(separator: " ")) failed "
          + "(exit \(process.terminationStatus)): \(String(decoding: errors, as: UTF8.self))"
      )
    }
    return Array(output)
  }

  private static func executable() -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { URL(filePath: String($0)).appending(path: "protoc") }
      .first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }
}
