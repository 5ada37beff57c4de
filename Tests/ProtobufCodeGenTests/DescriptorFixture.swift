import Foundation
import ProtobufCodeGen
import ProtobufRuntime
import Testing

/// A `.proto` file to compare with protoc: its import root and its name relative to it.
struct DescriptorFixture: Sendable, CustomTestStringConvertible {
  var root: String
  var path: String

  var testDescription: String { path }

  /// The package's directory, found from this file's path.
  static let packageRoot = URL(filePath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Every `.proto` file under `Protos/`, the good code-generation fixtures and the runtime test
  /// protos. The interop test protos (`Protos/grpc/testing/`) import each other as grpc lays
  /// them out, `src/proto/grpc/testing/...`, so they are compiled from the root the
  /// `InteropTesting` target uses, where that path leads to them.
  static let all: [DescriptorFixture] =
    [
      packageRoot.appending(path: "Protos"),
      packageRoot.appending(path: "Tests/ProtobufCodeGenTests/Fixtures/good"),
      packageRoot.appending(path: "Tests/ProtobufRuntimeTests"),
    ].flatMap { protos(under: $0) }.filter { !$0.path.hasPrefix("grpc/testing/") }
    + ["empty", "messages", "test"].map {
      DescriptorFixture(
        root: packageRoot.appending(path: "Sources/InteropTesting/ProtoRoot").path,
        path: "src/proto/grpc/testing/\($0).proto")
    }

  private static func protos(under root: URL) -> [DescriptorFixture] {
    let rootPath = root.resolvingSymlinksInPath().path
    let files = FileManager.default.enumerator(atPath: rootPath)?.compactMap { $0 as? String } ?? []
    return files.filter { $0.hasSuffix(".proto") }.sorted().map {
      DescriptorFixture(root: rootPath, path: $0)
    }
  }

  /// protoc's `FileDescriptorProto` for this file, decoded.
  func protocDescriptor() throws -> DescriptorTree {
    try DescriptorTree(decoding: protocDescriptorBytes(), as: .file)
  }

  /// protoc's serialized `FileDescriptorProto` for this file: the only entry of the
  /// `FileDescriptorSet` it writes (field 1).
  func protocDescriptorBytes() throws -> [UInt8] {
    let set = try DescriptorProtoc.descriptorSet(of: path, root: root)
    return try set.withUnsafeBytes { buffer in
      var decoder = ProtobufDecoder(buffer)
      let (number, wireType) = try decoder.readTag()
      let file = Array(try decoder.readLengthDelimited())
      guard number == 1, wireType == .lengthDelimited, decoder.isAtEnd else {
        throw DescriptorProtoc.Failure(
          description: "protoc's descriptor set for \(path) does not hold exactly one file"
        )
      }
      return file
    }
  }

  /// Our `FileDescriptorProto` for this file, loaded and resolved with its imports.
  func encodedDescriptor() throws -> [UInt8] {
    let loader = ProtoLoader(importPaths: [root]) { path in
      try? String(contentsOfFile: path, encoding: .utf8)
    }
    let set = try loader.load([path])
    let file = try #require(set.file(named: path))
    return FileDescriptorEncoder.encode(file)
  }
}
