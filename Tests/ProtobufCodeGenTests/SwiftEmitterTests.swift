import ProtobufCodeGen
import Testing

@Suite("Swift emitter")
struct SwiftEmitterTests {
  /// Loads `files` (name → text) from memory and generates the Swift source of `name`.
  static func generate(
    _ name: String,
    _ files: [String: String],
    visibility: SwiftEmitterOptions.Visibility = .public
  ) throws -> String {
    let loader = ProtoLoader(
      importPaths: ["/protos"],
      readFile: { path in files[String(path.dropFirst("/protos/".count))] }
    )
    let set = try loader.load([name])
    let file = try #require(set.file(named: name))
    return SwiftEmitter.generate(
      file,
      in: set,
      options: SwiftEmitterOptions(visibility: visibility)
    )
  }

  /// Generates the Swift source of one file, `test.proto`, with `body` after a proto3 header.
  static func generate(
    _ body: String,
    package: String? = nil,
    visibility: SwiftEmitterOptions.Visibility = .public
  ) throws -> String {
    let header = "syntax = \"proto3\";\n" + (package.map { "package \($0);\n" } ?? "")
    return try generate("test.proto", ["test.proto": header + body], visibility: visibility)
  }

  /// The generated lines, without their indentation.
  static func lines(_ source: String) -> [String] {
    source.split(separator: "\n").map { String($0.drop { $0 == " " }) }
  }

  @Test("Top-level types are prefixed with the package in UpperCamelCase")
  func packagePrefix() throws {
    let swift = try Self.generate("message Foo {}\nenum Bar { BAR_ZERO = 0; }", package: "a.b_c")
    #expect(Self.lines(swift).contains("public struct A_BC_Foo: ProtobufMessage {"))
    #expect(Self.lines(swift).contains("public enum A_BC_Bar: ProtobufEnum, CaseIterable {"))
    #expect(Self.lines(swift).contains("public static let protoMessageName = \"a.b_c.Foo\""))
  }

  @Test("Files without a package use bare type names")
  func noPackage() throws {
    let swift = try Self.generate("message ChatMessage { string user = 1; }")
    #expect(Self.lines(swift).contains("public struct ChatMessage: ProtobufMessage {"))
  }

  @Test("Nested types are nested Swift types and are referenced by their full name")
  func nestedTypes() throws {
    let swift = try Self.generate(
      "message Outer { message Inner { int32 id = 1; } enum Kind { KIND_NONE = 0; } Inner inner = 1; Kind kind = 2; }",
      package: "a"
    )
    let lines = Self.lines(swift)
    #expect(lines.contains("public struct Inner: ProtobufMessage {"))
    #expect(lines.contains("public enum Kind: ProtobufEnum, CaseIterable {"))
    #expect(lines.contains("public var inner: A_Outer.Inner? = nil"))
    #expect(lines.contains("public var kind: A_Outer.Kind = A_Outer.Kind()"))
  }

  @Test("Types from another file and package use that file's prefix")
  func importedTypes() throws {
    let swift = try Self.generate(
      "main.proto",
      [
        "main.proto":
          "syntax = \"proto3\";\npackage app;\nimport \"lib/shared.proto\";\nmessage Use { lib.Shared shared = 1; }",
        "lib/shared.proto": "syntax = \"proto3\";\npackage lib;\nmessage Shared {}",
      ]
    )
    #expect(Self.lines(swift).contains("public var shared: Lib_Shared? = nil"))
    #expect(Self.lines(swift).contains("dependencies: [\"lib/shared.proto\"],"))
  }

  @Test(
    "Field names become lowerCamelCase properties",
    arguments: [
      ("foo_bar", "fooBar"), ("HTTPPath", "httpPath"), ("f_uint32", "fUint32"), ("URL", "url"),
      ("fooBar", "fooBar"),
    ]
  )
  func fieldNames(protoName: String, swiftName: String) throws {
    let swift = try Self.generate("message M { int32 \(protoName) = 1; }")
    #expect(Self.lines(swift).contains("public var \(swiftName): Int32 = 0"))
  }

  @Test("Swift keywords are escaped with backticks")
  func keywords() throws {
    let swift = try Self.generate("message M { int32 class = 1; string default = 2; }")
    let lines = Self.lines(swift)
    #expect(lines.contains("public var `class`: Int32 = 0"))
    #expect(lines.contains("encoder.writeImplicitField(ProtobufString.self, `default`, number: 2)"))
  }

  @Test("Fields named like generated members get a _p suffix")
  func reservedMembers() throws {
    let swift = try Self.generate(
      "message M { string unknown_fields = 1; int32 encoded_size = 2; }"
    )
    #expect(Self.lines(swift).contains("public var unknownFields_p: String = \"\""))
    #expect(Self.lines(swift).contains("public var encodedSize_p: Int32 = 0"))
  }

  @Test("Each scalar type maps to its Swift type and codec")
  func scalarTypes() throws {
    let swift = try Self.generate(
      "message M { sint32 a = 1; fixed64 b = 2; sfixed32 c = 3; bytes d = 4; float e = 5; bool f = 6; }"
    )
    let lines = Self.lines(swift)
    #expect(lines.contains("public var a: Int32 = 0"))
    #expect(
      lines.contains(
        "case 1: a = try decoder.readField(ProtobufSInt32.self, number: 1, wireType: wireType)"
      )
    )
    #expect(lines.contains("public var b: UInt64 = 0"))
    #expect(lines.contains("encoder.writeImplicitField(ProtobufFixed64.self, b, number: 2)"))
    #expect(lines.contains("public var c: Int32 = 0"))
    #expect(lines.contains("encoder.writeImplicitField(ProtobufSFixed32.self, c, number: 3)"))
    #expect(lines.contains("public var d: [UInt8] = []"))
    #expect(lines.contains("public var e: Float = 0"))
    #expect(lines.contains("public var f: Bool = false"))
  }

  @Test("proto3 optional fields are Optional and written when set")
  func optionalFields() throws {
    let swift = try Self.generate("message M { optional uint64 count = 4; }")
    #expect(Self.lines(swift).contains("public var count: UInt64? = nil"))
    #expect(
      Self.lines(swift).contains(
        "if let count { encoder.writeField(ProtobufUInt64.self, count, number: 4) }"
      )
    )
  }

  @Test("Repeated scalars and enums are packed unless packed = false")
  func packedFields() throws {
    let swift = try Self.generate(
      "enum E { E_ZERO = 0; }\nmessage M { repeated int32 a = 1; repeated E b = 2; repeated int32 c = 3 [packed = false]; repeated string d = 4; }"
    )
    let lines = Self.lines(swift)
    #expect(lines.contains("encoder.writeRepeated(ProtobufInt32.self, a, number: 1, packed: true)"))
    #expect(
      lines.contains("encoder.writeRepeated(ProtobufEnumField<E>.self, b, number: 2, packed: true)")
    )
    #expect(
      lines.contains("encoder.writeRepeated(ProtobufInt32.self, c, number: 3, packed: false)")
    )
    #expect(
      lines.contains("encoder.writeRepeated(ProtobufString.self, d, number: 4, packed: false)")
    )
  }

  @Test("Map fields are dictionaries")
  func mapFields() throws {
    let swift = try Self.generate("message M { map<string, int64> counts = 1; }")
    #expect(Self.lines(swift).contains("public var counts: [String: Int64] = [:]"))
    #expect(
      Self.lines(swift).contains(
        "encoder.writeMap(ProtobufString.self, ProtobufInt64.self, counts, number: 1)"
      )
    )
  }

  @Test("Fields are encoded in field-number order, oneofs at their lowest member number")
  func encodingOrder() throws {
    let swift = try Self.generate(
      "message M { int32 c = 3; oneof o { int32 e = 5; int32 b = 2; } int32 a = 1; int32 d = 4; }"
    )
    let lines = Self.lines(swift)
    let encode = try #require(
      lines.firstIndex(of: "public func encode(to encoder: inout ProtobufEncoder) {")
    )
    #expect(
      Array(lines[(encode + 1) ... (encode + 8)]) == [
        "encoder.writeImplicitField(ProtobufInt32.self, a, number: 1)",
        "switch o {",
        "case .e(let value)?: encoder.writeField(ProtobufInt32.self, value, number: 5)",
        "case .b(let value)?: encoder.writeField(ProtobufInt32.self, value, number: 2)",
        "case nil: break",
        "}",
        "encoder.writeImplicitField(ProtobufInt32.self, c, number: 3)",
        "encoder.writeImplicitField(ProtobufInt32.self, d, number: 4)",
      ]
    )
    // Properties keep declaration order.
    let properties = lines.filter {
      $0.hasPrefix("public var ") && $0.hasSuffix(" = 0") || $0.hasPrefix("public var o:")
    }
    #expect(
      properties == [
        "public var c: Int32 = 0", "public var o: M.OneOf_O? = nil", "public var a: Int32 = 0",
        "public var d: Int32 = 0",
      ]
    )
  }

  @Test("Enum cases drop the enum name prefix when every value has it")
  func enumPrefixStripped() throws {
    let swift = try Self.generate("enum Color { COLOR_UNSPECIFIED = 0; COLOR_RED = 1; }")
    let lines = Self.lines(swift)
    #expect(lines.contains("case unspecified"))
    #expect(lines.contains("case red"))
    #expect(lines.contains("case 1: self = .red"))
    #expect(lines.contains("public static let allCases: [Color] = [.unspecified, .red]"))
  }

  @Test("Enum cases keep the full name when some value lacks the prefix")
  func enumPrefixKept() throws {
    let swift = try Self.generate(
      "enum ServingStatus { UNKNOWN = 0; SERVING = 1; SERVICE_UNKNOWN = 3; }"
    )
    let lines = Self.lines(swift)
    #expect(lines.contains("case serving"))
    #expect(lines.contains("case serviceUnknown"))
  }

  @Test("Enum cases keep the prefix when stripping would leave a leading digit")
  func enumPrefixBeforeDigit() throws {
    let swift = try Self.generate("enum Version { VERSION_0 = 0; VERSION_1 = 1; }")
    #expect(Self.lines(swift).contains("case version0"))
  }

  @Test("Enum values that are keywords or runtime members are escaped")
  func enumKeywords() throws {
    let swift = try Self.generate("enum Mode { MODE_DEFAULT = 0; MODE_UNRECOGNIZED = 1; }")
    #expect(Self.lines(swift).contains("case `default`"))
    #expect(Self.lines(swift).contains("case unrecognized_p"))
  }

  @Test("Enum aliases become static lets for the first case with the number")
  func enumAliases() throws {
    let swift = try Self.generate(
      "enum E { option allow_alias = true; E_ZERO = 0; E_ON = 1; E_STARTED = 1; }"
    )
    let lines = Self.lines(swift)
    #expect(lines.contains("public static let started: Self = .on"))
    #expect(!lines.contains("case started"))
    #expect(lines.contains("public static let allCases: [E] = [.zero, .on]"))
  }

  @Test("Oneof members get accessors that return the default when another member is set")
  func oneofAccessors() throws {
    let swift = try Self.generate(
      "message M { oneof choice { string text = 1; Inner inner = 2; } message Inner {} }",
      package: "demo"
    )
    let lines = Self.lines(swift)
    #expect(lines.contains("public enum OneOf_Choice: Hashable, Sendable {"))
    #expect(lines.contains("case text(String)"))
    #expect(lines.contains("case inner(Demo_M.Inner)"))
    #expect(lines.contains("public var choice: Demo_M.OneOf_Choice? = nil"))
    #expect(lines.contains("get { if case .text(let value)? = choice { value } else { \"\" } }"))
    #expect(lines.contains("set { choice = .inner(newValue) }"))
    #expect(
      lines.contains(
        "var value: Demo_M.Inner? = if case .inner(let existing)? = choice { existing } else { nil }"
      )
    )
  }

  @Test("A singular field whose type contains the message is boxed")
  func recursiveFieldBoxed() throws {
    let swift = try Self.generate("message A { B b = 1; } message B { A a = 1; }")
    let lines = Self.lines(swift)
    #expect(lines.contains("public var b: B? {"))
    #expect(lines.contains("private var _b: ProtobufBox<B>? = nil"))
    #expect(lines.contains("set { _a = newValue.map(ProtobufBox.init) }"))
  }

  @Test("Singular fields of types that cannot contain the message are not boxed")
  func plainFieldNotBoxed() throws {
    let swift = try Self.generate("message A { B b = 1; } message B { int32 id = 1; }")
    #expect(Self.lines(swift).contains("public var b: B? = nil"))
    #expect(!swift.contains("ProtobufBox"))
  }

  @Test("Repeated and map fields of the message's own type are not boxed")
  func repeatedRecursionNotBoxed() throws {
    let swift = try Self.generate(
      "message Tree { repeated Tree children = 1; map<string, Tree> named = 2; }"
    )
    #expect(Self.lines(swift).contains("public var children: [Tree] = []"))
    #expect(Self.lines(swift).contains("public var named: [String: Tree] = [:]"))
    #expect(!swift.contains("ProtobufBox"))
  }

  @Test("A oneof member whose type contains the message is an indirect case")
  func recursiveOneofIndirect() throws {
    let swift = try Self.generate(
      "message Expr { oneof kind { int64 value = 1; Expr negated = 2; } }"
    )
    #expect(Self.lines(swift).contains("case value(Int64)"))
    #expect(Self.lines(swift).contains("indirect case negated(Expr)"))
  }

  @Test("Messages with fields get a memberwise initializer with defaults")
  func memberwiseInit() throws {
    let swift = try Self.generate("message M { string user = 1; int64 timestamp = 3; }")
    #expect(Self.lines(swift).contains("public init() {}"))
    #expect(Self.lines(swift).contains("public init(user: String = \"\", timestamp: Int64 = 0) {"))
  }

  @Test("Proto comments become doc comments")
  func docComments() throws {
    let swift = try Self.generate(
      "// A chat line.\n// Second line.\nmessage M {\n  string user = 1; // Who sent it.\n}\n"
    )
    let lines = Self.lines(swift)
    let declaration = try #require(lines.firstIndex(of: "public struct M: ProtobufMessage {"))
    #expect(lines[declaration - 2] == "/// A chat line.")
    #expect(lines[declaration - 1] == "/// Second line.")
    let field = try #require(lines.firstIndex(of: "public var user: String = \"\""))
    #expect(lines[field - 1] == "/// Who sent it.")
  }

  @Test("Services get a namespace with the service and method descriptors")
  func services() throws {
    let swift = try Self.generate(
      "grpc/health/v1/health.proto",
      [
        "grpc/health/v1/health.proto": """
        syntax = "proto3";
        package grpc.health.v1;
        message HealthCheckRequest {}
        message HealthCheckResponse {}
        // Health checking.
        service Health {
          rpc Check(HealthCheckRequest) returns (HealthCheckResponse);
          // Streams status changes.
          rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse);
        }
        """
      ]
    )
    let lines = Self.lines(swift)
    #expect(lines.contains("public enum Grpc_Health_V1_Health {"))
    #expect(lines.contains("fullName: \"grpc.health.v1.Health\","))
    #expect(lines.contains("methods: [Method.check, Method.watch]"))
    let watch = try #require(
      lines.firstIndex(of: "public static let watch = ProtobufMethodDescriptor(")
    )
    #expect(lines[watch - 1] == "/// Streams status changes.")
    #expect(
      Array(lines[(watch + 1) ... (watch + 5)]) == [
        "name: \"Watch\",",
        "serviceName: \"grpc.health.v1.Health\",",
        "kind: .serverStreaming,",
        "inputType: \"grpc.health.v1.HealthCheckRequest\",",
        "outputType: \"grpc.health.v1.HealthCheckResponse\"",
      ]
    )
    #expect(lines.contains("public enum Grpc_Health_V1_HealthProto {"))
  }

  @Test("The file descriptor lists the symbols and the serialized descriptor 16 bytes a line")
  func fileDescriptor() throws {
    let source =
      "syntax = \"proto3\";\nmessage ChatMessage { string user = 1; }\nservice ChatService { rpc ChatStream(stream ChatMessage) returns (stream ChatMessage); }\n"
    let swift = try Self.generate("chat.proto", ["chat.proto": source])
    let lines = Self.lines(swift)
    #expect(lines.contains("public enum ChatProto {"))
    #expect(lines.contains("symbols: [\"ChatMessage\", \"ChatService\"],"))
    let start = try #require(lines.firstIndex(of: "serializedProto: ["))
    // Field 1 (name), 10 bytes: "chat.proto".
    #expect(
      lines[start + 1].hasPrefix(
        "0x0A, 0x0A, 0x63, 0x68, 0x61, 0x74, 0x2E, 0x70, 0x72, 0x6F, 0x74, 0x6F,"
      )
    )
    #expect(lines[start + 1].split(separator: ",").count == 16)
  }

  @Test(
    "The visibility option replaces every public",
    arguments: [SwiftEmitterOptions.Visibility.package, .internal]
  )
  func visibility(_ visibility: SwiftEmitterOptions.Visibility) throws {
    let swift = try Self.generate(
      "enum E { E_ZERO = 0; }\nmessage M { oneof o { int32 a = 1; } }\nservice S { rpc Call(M) returns (M); }",
      visibility: visibility
    )
    #expect(!swift.contains("public"))
    #expect(Self.lines(swift).contains("\(visibility.rawValue) import ProtobufRuntime"))
    #expect(Self.lines(swift).contains("\(visibility.rawValue) struct M: ProtobufMessage {"))
  }
}
