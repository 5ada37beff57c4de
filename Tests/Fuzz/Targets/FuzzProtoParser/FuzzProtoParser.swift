import ProtobufCodeGen

// libFuzzer target: the `.proto` pipeline (lexer, parser, resolver, descriptor encoder, Swift
// emitter) on one file, `fuzz.proto`, in memory, with the bundled well-known types importable.
//
// Rules checked: any input ends in success or in diagnostics (exit status 1, at least one
// diagnostic line `path:line:column: error: message`), never in a trap or a hang; a success writes a Swift file.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtoParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let written = WrittenFiles()
  let runner = CodeGenRunner(
    fileSystem: CodeGenRunner.FileSystem(
      readFile: { path in path == "fuzz.proto" || path == "./fuzz.proto" ? text : nil },
      writeFile: { path, contents in written.add(path, contents) }
    ))
  var diagnostics: [String] = []
  let status = runner.run(arguments: ["--output-dir", "out", "fuzz.proto"]) { diagnostics.append($0) }
  switch status {
  case CodeGenRunner.success:
    precondition(written.count == 1, "a success wrote \(written.count) files")
  case CodeGenRunner.failure:
    precondition(!diagnostics.isEmpty, "a failure printed no diagnostic")
    precondition(
      diagnostics.allSatisfy { $0.contains(": error: ") },
      "a diagnostic is not `path:line:column: error: message`: \(diagnostics)")
  default:
    fatalError("unexpected exit status \(status): \(diagnostics)")
  }
  return 0
}

/// Counts the files the generator writes (it runs on one thread; the box only satisfies
/// `@Sendable`).
final class WrittenFiles: @unchecked Sendable {
  private(set) var count = 0

  func add(_ path: String, _ contents: String) {
    precondition(!contents.isEmpty, "\(path) was written empty")
    self.count += 1
  }
}
