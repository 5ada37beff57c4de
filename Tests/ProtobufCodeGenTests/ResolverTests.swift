import Foundation
import ProtobufCodeGen
import Testing

@Suite("Proto resolver")
struct ResolverTests {
  /// Loads `main.proto` (with `body` after a proto3 header and `package`) and the other `files`.
  static func load(
    _ body: String,
    package: String? = nil,
    files: [String: String] = [:]
  ) throws(CodeGenDiagnostics) -> ProtoFileSet {
    let header = "syntax = \"proto3\";\n" + (package.map { "package \($0);\n" } ?? "")
    return try FrontEndFixtures.load(
      ["main.proto"],
      from: files.merging(["main.proto": header + body]) { $1 }
    )
  }

  /// The resolved types of the fields of message `name`.
  static func fieldTypes(_ set: ProtoFileSet, _ name: String) throws -> [ProtoFieldType] {
    try #require(set.message(named: name)).fields.map(\.type)
  }

  /// The diagnostics `load` throws, as text.
  static func diagnostics(
    _ body: String,
    package: String? = nil,
    files: [String: String] = [:]
  ) -> String? {
    do {
      _ = try load(body, package: package, files: files)
      return nil
    } catch {
      return error.description
    }
  }

  // MARK: Scopes

  @Test("A name resolves in the innermost scope that declares it")
  func innermostScope() throws {
    let set = try Self.load(
      """
      message T {}
      message Outer {
        message T {}
        message Inner {
          message T {}
          T innermost = 1;
        }
        T middle = 1;
      }
      message Other { T outermost = 1; }
      """,
      package: "pkg"
    )
    #expect(try Self.fieldTypes(set, "pkg.Outer.Inner") == [.message("pkg.Outer.Inner.T")])
    #expect(try Self.fieldTypes(set, "pkg.Outer") == [.message("pkg.Outer.T")])
    #expect(try Self.fieldTypes(set, "pkg.Other") == [.message("pkg.T")])
  }

  @Test("Nested, sibling and enum types resolve, inside maps too")
  func nestedTypes() throws {
    let set = try Self.load(
      """
      message Outer {
        message Inner { enum Mode { MODE_ZERO = 0; } }
        Inner.Mode mode = 1;
        map<string, Inner> inners = 2;
        map<int32, Inner.Mode> modes = 3;
        Sibling sibling = 4;
      }
      message Sibling {}
      """,
      package: "a.b"
    )
    #expect(
      try Self.fieldTypes(set, "a.b.Outer") == [
        .enumeration("a.b.Outer.Inner.Mode"),
        .map(key: .string, value: .message("a.b.Outer.Inner")),
        .map(key: .int32, value: .enumeration("a.b.Outer.Inner.Mode")),
        .message("a.b.Sibling"),
      ]
    )
  }

  @Test("A leading dot makes a name fully qualified, skipping closer scopes")
  func leadingDot() throws {
    let set = try Self.load(
      """
      message T {}
      message M {
        message T {}
        .pkg.T outer = 1;
        T inner = 2;
      }
      """,
      package: "pkg"
    )
    #expect(try Self.fieldTypes(set, "pkg.M") == [.message("pkg.T"), .message("pkg.M.T")])
  }

  @Test("A name may be partially qualified with the last parts of a package")
  func partiallyQualified() throws {
    let set = try Self.load(
      """
      message M {
        v1.Foo a = 1;
        health.v1.Foo b = 2;
        grpc.health.v1.Foo c = 3;
      }
      message Foo {}
      """,
      package: "grpc.health.v1"
    )
    #expect(
      try Self.fieldTypes(set, "grpc.health.v1.M")
        == Array(repeating: .message("grpc.health.v1.Foo"), count: 3)
    )
  }

  @Test(
    "The first part of a dotted name decides the scope, as in protoc, even when the rest is missing there"
  )
  func firstComponentDecides() {
    // `Inner.T` finds `pkg.M.Inner` first, which has no `T`; protoc does not go on to `pkg.Inner.T`.
    let diagnostics = Self.diagnostics(
      """
      message Inner { message T {} }
      message M {
        message Inner {}
        Inner.T t = 1;
      }
      """,
      package: "pkg"
    )
    #expect(
      diagnostics
        == #"main.proto:6:3: error: unknown type "Inner.T" in field "t" of message "pkg.M""#
    )
  }

  @Test("Scopes that hold a non-type of the same name are skipped")
  func nonTypesAreSkipped() throws {
    // The field `T` in scope `pkg.M` is not a type, so `T` resolves to the message outside.
    let set = try Self.load("message T {}\nmessage M { T T = 1; }", package: "pkg")
    #expect(try Self.fieldTypes(set, "pkg.M") == [.message("pkg.T")])
  }

  @Test("Method types resolve to fully-qualified message names")
  func methodTypes() throws {
    let set = try Self.load(
      """
      message Request {}
      message Outer { message Response {} }
      service S {
        rpc Call(Request) returns (Outer.Response);
        rpc Other(.pkg.Request) returns (pkg.Request);
      }
      """,
      package: "pkg"
    )
    let methods = try #require(set.file(named: "main.proto")).services[0].methods
    #expect(methods.map(\.inputType) == ["pkg.Request", "pkg.Request"])
    #expect(methods.map(\.outputType) == ["pkg.Outer.Response", "pkg.Request"])
  }

  @Test("Files without a package resolve names from the root")
  func noPackage() throws {
    let set = try Self.load(
      "message ChatMessage { string user = 1; }\nservice ChatService { rpc ChatStream(stream ChatMessage) returns (stream ChatMessage); }"
    )
    let method = try #require(set.file(named: "main.proto")).services[0].methods[0]
    #expect([method.inputType, method.outputType] == ["ChatMessage", "ChatMessage"])
  }

  // MARK: Files

  static let shared = """
    syntax = "proto3";
    package shared;
    import public "deep.proto";
    message Shared {}
    """

  static let deep = """
    syntax = "proto3";
    package deep;
    import public "deeper.proto";
    enum Deep { DEEP_ZERO = 0; }
    """

  static let deeper = """
    syntax = "proto3";
    package deeper;
    import "hidden.proto";
    message Deeper {}
    """

  static let hidden = """
    syntax = "proto3";
    package hidden;
    message Hidden {}
    """

  static let imports = [
    "shared.proto": shared, "deep.proto": deep, "deeper.proto": deeper, "hidden.proto": hidden,
  ]

  @Test("Types of imported files and of their public-import chains are visible")
  func importedTypes() throws {
    let set = try Self.load(
      "import \"shared.proto\";\nmessage M { shared.Shared a = 1; deep.Deep b = 2; .deeper.Deeper c = 3; }",
      package: "app",
      files: Self.imports
    )
    #expect(
      try Self.fieldTypes(set, "app.M") == [
        .message("shared.Shared"), .enumeration("deep.Deep"), .message("deeper.Deeper"),
      ]
    )
  }

  @Test("Files come in dependency order, and the set finds declarations in any of them")
  func dependencyOrder() throws {
    let set = try Self.load(
      "import \"shared.proto\";\nmessage M {}",
      package: "app",
      files: Self.imports
    )
    #expect(
      set.files.map(\.name) == [
        "hidden.proto", "deeper.proto", "deep.proto", "shared.proto", "main.proto",
      ]
    )
    #expect(set.fileDeclaring("deep.Deep")?.name == "deep.proto")
    #expect(set.fileDeclaring("app.M")?.name == "main.proto")
    #expect(set.enumeration(named: "deep.Deep")?.values.map(\.name) == ["DEEP_ZERO"])
    #expect(set.message(named: "hidden.Hidden") != nil)
    #expect(set.message(named: "deep.Deep") == nil)
  }

  @Test("A type reached only through a non-public import of an import needs its own import")
  func missingImport() {
    let diagnostics = Self.diagnostics(
      "import \"shared.proto\";\nmessage M { hidden.Hidden a = 1; }",
      package: "app",
      files: Self.imports
    )
    #expect(
      diagnostics
        == #"main.proto:4:13: error: type "hidden.Hidden" is defined in "hidden.proto", which "main.proto" does not import"#
    )
  }

  @Test("Types of weak imports are visible")
  func weakImport() throws {
    let set = try Self.load(
      "import weak \"hidden.proto\";\nmessage M { hidden.Hidden a = 1; }",
      files: Self.imports
    )
    #expect(try Self.fieldTypes(set, "M") == [.message("hidden.Hidden")])
  }

  @Test("Import paths are searched in order, and locations name the path the file was read from")
  func importPaths() throws {
    let files = [
      "first/a.proto": "syntax = \"proto3\";\nimport \"b.proto\";\nmessage A { B b = 1; }",
      "second/a.proto": "not read",
      "second/b.proto": "syntax = \"proto3\";\nmessage B {}",
    ]
    let set = try ProtoLoader(importPaths: ["first", "second/"]) { files[$0] }.load(["a.proto"])
    #expect(set.files.map(\.name) == ["b.proto", "a.proto"])
    #expect(set.files.map { $0.messages[0].location.file } == ["second/b.proto", "first/a.proto"])
    let dotted = try ProtoLoader(importPaths: ["."]) { files["second/\($0)"] }.load(["b.proto"])
    #expect(dotted.files[0].messages[0].location.file == "b.proto")
  }

  @Test("Every resolution error of every file is reported, sorted by file and position")
  func allErrorsReported() {
    let diagnostics = Self.diagnostics(
      """
      import "other.proto";
      message M {
        Missing a = 1;
        Other.Nope b = 2;
      }
      service S { rpc Call(E) returns (Nowhere); }
      enum E { E_ZERO = 0; }
      """,
      files: ["other.proto": "syntax = \"proto3\";\nmessage Other { Lost x = 1; }"]
    )
    #expect(
      diagnostics == """
        main.proto:4:3: error: unknown type "Missing" in field "a" of message "M"
        main.proto:5:3: error: unknown type "Other.Nope" in field "b" of message "M"
        main.proto:7:22: error: "E" is an enum, not a message, in the request type of method "Call" of service "S"
        main.proto:7:34: error: unknown type "Nowhere" in the response type of method "Call" of service "S"
        other.proto:2:17: error: unknown type "Lost" in field "x" of message "Other"
        """
    )
  }

  struct InvalidTypeCase: CustomTestStringConvertible, Sendable {
    var type: String
    var diagnostic: String
    var testDescription: String { type }
  }

  static let invalidTypes: [InvalidTypeCase] = [
    InvalidTypeCase(
      type: "pkg",
      diagnostic:
        #"main.proto:4:13: error: "pkg" is a package, not a message or enum, in field "a" of message "pkg.M""#
    ),
    InvalidTypeCase(
      type: "S",
      diagnostic:
        #"main.proto:4:13: error: "pkg.S" is a service, not a message or enum, in field "a" of message "pkg.M""#
    ),
    InvalidTypeCase(
      type: "S.Call",
      diagnostic:
        #"main.proto:4:13: error: "pkg.S.Call" is a method, not a message or enum, in field "a" of message "pkg.M""#
    ),
    InvalidTypeCase(
      type: "E_ZERO",
      diagnostic:
        #"main.proto:4:13: error: "pkg.E_ZERO" is an enum value, not a message or enum, in field "a" of message "pkg.M""#
    ),
  ]

  @Test("A name that is not a message or enum is not a field type", arguments: invalidTypes)
  func invalidFieldType(_ expected: InvalidTypeCase) {
    let diagnostics = Self.diagnostics(
      "service S { rpc Call(M) returns (M); }\nmessage M { \(expected.type) a = 1; }\nenum E { E_ZERO = 0; }",
      package: "pkg"
    )
    #expect(diagnostics == expected.diagnostic)
  }

  @Test(
    "A name declared twice in one scope is an error, with enum values scoped next to their enum"
  )
  func duplicateNames() {
    let diagnostics = Self.diagnostics(
      """
      message M {
        int32 a = 1;
        message a {}
      }
      enum E { ZERO = 0; }
      enum F { ZERO = 0; }
      """,
      package: "pkg"
    )
    #expect(
      diagnostics == """
        main.proto:5:3: error: "pkg.M.a" is already defined at main.proto:4:3
        main.proto:8:10: error: "pkg.ZERO" is already defined at main.proto:7:10; enum values are scoped like C++ enumerators, as siblings of their enum
        """
    )
  }

  @Test("A type may not share its full name with a package or with a type of another file")
  func duplicateAcrossFiles() {
    let diagnostics = Self.diagnostics(
      "import \"other.proto\";\nimport \"sub.proto\";\nmessage Thing {}\nmessage sub {}",
      package: "pkg",
      files: [
        "other.proto": "syntax = \"proto3\";\npackage pkg;\nmessage Thing {}",
        "sub.proto": "syntax = \"proto3\";\npackage pkg.sub;",
      ]
    )
    #expect(
      diagnostics == """
        main.proto:5:1: error: "pkg.Thing" is already defined at other.proto:3:1
        main.proto:6:1: error: "pkg.sub" is already defined as a package
        """
    )
  }

  // MARK: Real files

  static let realProtos = [
    "chat.proto",
    "grpc/health/v1/health.proto",
    "grpc/reflection/v1/reflection.proto",
    "grpc/reflection/v1alpha/reflection.proto",
  ]

  static let protosDirectory = URL(filePath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent().appending(path: "Protos").path

  @Test("The project's .proto files load and resolve", arguments: realProtos)
  func realProto(_ name: String) throws {
    let path = "\(Self.protosDirectory)/\(name)"
    try #require(FileManager.default.fileExists(atPath: path), "\(name) is not in Protos/ yet")
    let set = try ProtoLoader(importPaths: [Self.protosDirectory]) {
      try? String(contentsOfFile: $0, encoding: .utf8)
    }
    .load([name])
    let file = try #require(set.file(named: name))
    #expect(!file.services.isEmpty)
    for method in file.services.flatMap(\.methods) {
      #expect(set.message(named: method.inputType) != nil)
      #expect(set.message(named: method.outputType) != nil)
    }
  }

  @Test("The rich fixture resolves across its imports")
  func richFixture() throws {
    let set = try FrontEndFixtures.loader(importPaths: ["good"]).load(["frontend_rich.proto"])
    #expect(
      set.files.map(\.name) == [
        "frontend_public.proto", "frontend_dependency.proto", "frontend_rich.proto",
      ]
    )
    let types = Dictionary(
      uniqueKeysWithValues: try #require(set.message(named: "frontend.rich.v1.Everything")).fields
        .map { ($0.name, $0.type) }
    )
    #expect(types["inner"] == .message("frontend.rich.v1.Everything.Inner"))
    #expect(types["inner_mode"] == .enumeration("frontend.rich.v1.Everything.Inner.Mode"))
    #expect(types["qualified_inner"] == .message("frontend.rich.v1.Everything.Inner"))
    #expect(types["stamp"] == .message("frontend.common.Stamp"))
    #expect(types["partially_qualified_stamp"] == .message("frontend.common.Stamp"))
    #expect(types["public_tag"] == .message("frontend.shared.Tag"))
    #expect(types["public_priority"] == .enumeration("frontend.shared.Priority"))
    #expect(
      types["m_bool_status"] == .map(key: .bool, value: .enumeration("frontend.rich.v1.Status"))
    )
    #expect(types["c_inner"] == .message("frontend.rich.v1.Everything.Inner"))
    #expect(types["kind"] == .enumeration("frontend.rich.v1.Everything.Kind"))
    let service = try #require(set.file(named: "frontend_rich.proto")).services[0]
    #expect(
      service.methods.map(\.outputType) == Array(repeating: "frontend.rich.v1.Empty", count: 4)
    )
    #expect(
      set.message(named: "frontend.rich.v1.Everything.Inner")?.fields.map(\.type) == [
        .enumeration("frontend.rich.v1.Everything.Inner.Mode"),
        .message("frontend.rich.v1.Everything"),
      ]
    )
  }
}
