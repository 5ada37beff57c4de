// protobuf-codegen: generates Swift protobuf codecs from .proto files.
// All logic is in ProtobufCodeGen's CodeGenRunner; this file supplies file I/O and the exit status.
import Foundation
import ProtobufCodeGen

let fileSystem = CodeGenRunner.FileSystem(
  readFile: { path in try? String(contentsOfFile: path, encoding: .utf8) },
  writeFile: { path, contents in
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(),
      withIntermediateDirectories: true
    )
    try Data(contents.utf8).write(to: url, options: .atomic)
  }
)

let status = CodeGenRunner(fileSystem: fileSystem).run(
  arguments: Array(CommandLine.arguments.dropFirst()),
  standardError: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
)
exit(status)
