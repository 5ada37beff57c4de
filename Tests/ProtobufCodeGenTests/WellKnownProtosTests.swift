import Foundation
import ProtobufCodeGen
import Testing

/// The well-known types bundled with the generator: their texts, how imports of them resolve, and
/// what the emitter writes for them and for the files that use them.
@Suite("Bundled well-known types")
struct WellKnownProtosTests {
  static let names = [
    "google/protobuf/any.proto", "google/protobuf/duration.proto", "google/protobuf/empty.proto",
    "google/protobuf/field_mask.proto", "google/protobuf/struct.proto",
    "google/protobuf/timestamp.proto", "google/protobuf/wrappers.proto",
  ]

  static let protosDirectory = DescriptorFixture.packageRoot.appending(path: "Protos").path

  /// Generates `name`, loaded from the fixtures with `importPaths` (relative to `Fixtures/`).
  static func generate(
    _ name: String,
    importPaths: [String] = ["good"],
    options: SwiftEmitterOptions = SwiftEmitterOptions()
  ) throws -> String {
    let set = try FrontEndFixtures.loader(importPaths: importPaths).load([name])
    return SwiftEmitter.generate(try #require(set.file(named: name)), in: set, options: options)
  }

  /// Generates `test.proto` (and the files it imports) from memory, with no import path that has
  /// the well-known files.
  static func generate(
    _ files: [String: String],
    options: SwiftEmitterOptions = SwiftEmitterOptions()
  ) throws -> [String] {
    let set = try FrontEndFixtures.load(["test.proto"], from: files)
    let file = try #require(set.file(named: "test.proto"))
    return SwiftEmitterTests.lines(SwiftEmitter.generate(file, in: set, options: options))
  }

  // MARK: The bundled texts

  @Test("Exactly the seven well-known files are bundled")
  func sevenFilesAreBundled() {
    #expect(WellKnownProtos.sources.keys.sorted() == Self.names)
    #expect(WellKnownProtos.moduleName == "ProtobufWellKnownTypes")
  }

  @Test("Each bundled text is Protos/google/protobuf's file byte for byte", arguments: names)
  func bundledTextMatchesProtos(_ name: String) throws {
    let onDisk = try String(contentsOfFile: "\(Self.protosDirectory)/\(name)", encoding: .utf8)
    #expect(
      WellKnownProtos.sources[name] == onDisk,
      "run scripts/embed-well-known-protos.sh after changing Protos/\(name)"
    )
  }

  // MARK: Resolving imports

  @Test("A file importing every well-known file resolves with no import path for them")
  func importsResolveWithoutImportPath() throws {
    let set = try FrontEndFixtures.loader(importPaths: ["good"]).load(["well_known_user.proto"])
    #expect(Set(set.files.map(\.name)) == Set(Self.names + ["well_known_user.proto"]))
    let usage = try #require(set.message(named: "fixtures.wellknown.Usage"))
    let types = Dictionary(uniqueKeysWithValues: usage.fields.map { ($0.name, $0.type) })
    #expect(types["detail"] == .message("google.protobuf.Any"))
    #expect(types["timeout"] == .message("google.protobuf.Duration"))
    #expect(types["nothing"] == .message("google.protobuf.Empty"))
    #expect(types["update_mask"] == .message("google.protobuf.FieldMask"))
    #expect(types["attributes"] == .message("google.protobuf.Struct"))
    #expect(types["null_value"] == .enumeration("google.protobuf.NullValue"))
    #expect(types["created_at"] == .message("google.protobuf.Timestamp"))
    #expect(types["count"] == .message("google.protobuf.Int32Value"))
    #expect(types["labels"] == .map(key: .string, value: .message("google.protobuf.Value")))
    #expect(types["aliases"] == .message("google.protobuf.StringValue"))
  }

  @Test("Without the bundled files the same import is not found")
  func withoutBundledFilesImportFails() {
    let loader = ProtoLoader(importPaths: [], bundledFiles: [:]) { path in
      path == "test.proto" ? "syntax = \"proto3\";\nimport \"google/protobuf/empty.proto\";\n" : nil
    }
    #expect {
      try loader.load(["test.proto"])
    } throws: { error in
      (error as? CodeGenDiagnostics)?.description
        == #"test.proto:2:1: error: import "google/protobuf/empty.proto" was not found in import paths: ."#
    }
  }

  @Test("A copy on an import path is read instead of the bundled text")
  func importPathComesFirst() throws {
    let set = try FrontEndFixtures.load(
      ["test.proto"],
      from: [
        "test.proto": "syntax = \"proto3\";\nimport \"google/protobuf/empty.proto\";\n",
        "google/protobuf/empty.proto":
          "syntax = \"proto3\";\npackage google.protobuf;\nmessage Empty {}\nmessage Extra {}\n",
      ]
    )
    #expect(set.message(named: "google.protobuf.Extra") != nil)
  }

  @Test("Protos/ on an import path gives the same Swift as the bundled files")
  func copiesOnImportPathGiveSameSwift() throws {
    let bundled = try Self.generate("well_known_user.proto")
    let copied = try Self.generate(
      "well_known_user.proto",
      importPaths: ["good", Self.protosDirectory]
    )
    #expect(bundled == copied)
  }

  // MARK: The emitter

  @Test(
    "A file whose fields use well-known types imports their module at its visibility",
    arguments: SwiftEmitterOptions.Visibility.allCases
  )
  func usingFileImportsModule(_ visibility: SwiftEmitterOptions.Visibility) throws {
    let lines = SwiftEmitterTests.lines(
      try Self.generate(
        "well_known_user.proto",
        options: SwiftEmitterOptions(visibility: visibility)
      )
    )
    #expect(lines.contains("\(visibility.rawValue) import ProtobufWellKnownTypes"))
    #expect(
      lines.contains("\(visibility.rawValue) var createdAt: Google_Protobuf_Timestamp? = nil")
    )
    #expect(!lines.contains { $0.hasPrefix("public struct Google_Protobuf_") })
  }

  @Test(
    "The module is imported for each way a type is used",
    arguments: [
      ("singular field", "message M { google.protobuf.Timestamp at = 1; }"),
      ("repeated field", "message M { repeated google.protobuf.Timestamp at = 1; }"),
      ("map value", "message M { map<string, google.protobuf.Timestamp> at = 1; }"),
      ("oneof member", "message M { oneof when { google.protobuf.Timestamp at = 1; } }"),
      ("nested message", "message M { message N { google.protobuf.Timestamp at = 1; } }"),
      (
        "enum",
        "import \"google/protobuf/struct.proto\";\nmessage M { google.protobuf.NullValue n = 1; }"
      ),
      (
        "method with stubs",
        "service S { rpc Now(Req) returns (google.protobuf.Timestamp); }\nmessage Req {}"
      ),
    ]
  )
  func moduleImportedForEachUse(_ use: String, _ body: String) throws {
    let lines = try Self.generate([
      "test.proto": "syntax = \"proto3\";\nimport \"google/protobuf/timestamp.proto\";\n" + body
    ])
    #expect(lines.contains("public import ProtobufWellKnownTypes"), "\(use)")
  }

  @Test("A type reached through import public imports the module")
  func importPublicCounts() throws {
    let lines = try Self.generate([
      "test.proto": """
      syntax = "proto3";
      import "reexport.proto";
      message M { google.protobuf.Duration d = 1; }
      """,
      "reexport.proto": """
      syntax = "proto3";
      import public "google/protobuf/duration.proto";
      """,
    ])
    #expect(lines.contains("public import ProtobufWellKnownTypes"))
  }

  @Test(
    "The module is not imported when no generated Swift names its types",
    arguments: [
      ("imported, unused", "message M { int32 a = 1; }", true),
      (
        "method without stubs",
        "service S { rpc Now(Req) returns (google.protobuf.Timestamp); }\nmessage Req {}", false
      ),
    ]
  )
  func moduleNotImportedWhenUnused(_ use: String, _ body: String, _ stubs: Bool) throws {
    let lines = try Self.generate(
      ["test.proto": "syntax = \"proto3\";\nimport \"google/protobuf/timestamp.proto\";\n" + body],
      options: SwiftEmitterOptions(generatesServiceStubs: stubs)
    )
    #expect(!lines.contains { $0.hasSuffix("import ProtobufWellKnownTypes") }, "\(use)")
  }

  @Test(
    "A well-known file generated outside its module is a comment pointing there",
    arguments: names
  )
  func wellKnownFileOutsideModuleIsPointer(_ name: String) throws {
    let swift = try Self.generate(name, importPaths: [])
    #expect(swift.hasPrefix("// DO NOT EDIT.\n// Generated by protobuf-codegen from \(name).\n"))
    #expect(swift.contains("Swift declarations are in the\n// ProtobufWellKnownTypes module"))
    #expect(SwiftEmitterTests.lines(swift).allSatisfy { $0.hasPrefix("//") })
  }

  @Test(
    "The well-known module generates each file in full, importing only ProtobufRuntime",
    arguments: names
  )
  func wellKnownModuleGeneratesInFull(_ name: String) throws {
    let lines = SwiftEmitterTests.lines(
      try Self.generate(
        name,
        importPaths: [],
        options: SwiftEmitterOptions(generatesWellKnownTypes: true)
      )
    )
    #expect(lines.filter { $0.contains("import ") } == ["public import ProtobufRuntime"])
    #expect(lines.contains { $0.hasPrefix("public struct Google_Protobuf_") })
    #expect(lines.contains("public static let fileDescriptor = ProtobufFileDescriptor("))
  }

  @Test("Each well-known message's protoMessageName is its full proto name")
  func wellKnownMessageNames() throws {
    let swift = try Self.generate(
      "google/protobuf/wrappers.proto",
      importPaths: [],
      options: SwiftEmitterOptions(generatesWellKnownTypes: true)
    )
    let lines = SwiftEmitterTests.lines(swift)
    for name in ["DoubleValue", "Int64Value", "BytesValue"] {
      #expect(lines.contains("public static let protoMessageName = \"google.protobuf.\(name)\""))
    }
  }
}
