import Foundation
import ProtobufCodeGen
import Testing

@Suite("Proto parser")
struct ParserTests {
  /// Parses `body` after a proto3 syntax line, as `test.proto`.
  static func parse(_ body: String) throws(CodeGenError) -> ProtoFile {
    try ProtoParser.parse(
      "syntax = \"proto3\";\n" + body,
      fileName: "test.proto",
      diagnosticPath: "test.proto"
    )
  }

  /// The only message of `body`.
  static func message(_ body: String) throws -> ProtoMessage {
    let file = try parse(body)
    return try #require(file.messages.first)
  }

  /// The value of `option x = <value>;`.
  static func optionValue(_ value: String) throws -> ProtoOption.Value {
    let file = try parse("option x = \(value);")
    return try #require(file.options.first).value
  }

  static func location(_ line: Int, _ column: Int) -> ProtobufCodeGen.SourceLocation {
    ProtobufCodeGen.SourceLocation(file: "test.proto", line: line, column: column)
  }

  // MARK: The rich fixture

  static func richFixture() throws -> ProtoFile {
    try ProtoParser.parse(
      FrontEndFixtures.text("good/frontend_rich.proto"),
      fileName: "frontend_rich.proto",
      diagnosticPath: "good/frontend_rich.proto"
    )
  }

  @Test("The rich fixture's file-level statements parse")
  func richFileStatements() throws {
    let file = try Self.richFixture()
    #expect(file.name == "frontend_rich.proto")
    #expect(file.syntax == "proto3")
    #expect(file.package == "frontend.rich.v1")
    #expect(file.imports.map(\.path) == ["frontend_dependency.proto"])
    #expect(
      file.options.map(\.name) == [
        "java_package", "java_multiple_files", "optimize_for", "go_package",
      ]
    )
    #expect(
      file.options.map(\.value) == [
        .string("dev.example.frontend"), .bool(true), .identifier("SPEED"),
        .string("example.com/frontend\"riché"),
      ]
    )
    #expect(
      file.messages.map(\.fullName) == ["frontend.rich.v1.Everything", "frontend.rich.v1.Empty"]
    )
    #expect(file.enums.map(\.fullName) == ["frontend.rich.v1.Status"])
    #expect(file.services.map(\.fullName) == ["frontend.rich.v1.Rich"])
  }

  struct FieldCase: CustomTestStringConvertible, Sendable {
    var name: String
    var number: Int32
    var label: ProtoField.Label
    var type: ProtoFieldType
    var oneofIndex: Int? = nil
    var testDescription: String { name }
  }

  static let richFields: [FieldCase] = [
    FieldCase(name: "f_double", number: 1, label: .singular, type: .scalar(.double)),
    FieldCase(name: "f_sfixed64", number: 12, label: .singular, type: .scalar(.sfixed64)),
    FieldCase(name: "f_bool", number: 13, label: .singular, type: .scalar(.bool)),
    FieldCase(name: "f_bytes", number: 15, label: .singular, type: .scalar(.bytes)),
    FieldCase(name: "inner", number: 16, label: .singular, type: .named("Inner")),
    FieldCase(name: "inner_mode", number: 17, label: .singular, type: .named("Inner.Mode")),
    FieldCase(
      name: "qualified_inner",
      number: 18,
      label: .singular,
      type: .named(".frontend.rich.v1.Everything.Inner")
    ),
    FieldCase(name: "r_packed", number: 30, label: .repeated, type: .scalar(.int32)),
    FieldCase(name: "r_status", number: 32, label: .repeated, type: .named("Status")),
    FieldCase(name: "o_string", number: 34, label: .optional, type: .scalar(.string)),
    FieldCase(name: "o_inner", number: 35, label: .optional, type: .named("Inner")),
    FieldCase(
      name: "m_string_int32",
      number: 40,
      label: .singular,
      type: .map(key: .string, value: .scalar(.int32))
    ),
    FieldCase(
      name: "m_int64_inner",
      number: 41,
      label: .singular,
      type: .map(key: .int64, value: .named("Inner"))
    ),
    FieldCase(
      name: "c_string",
      number: 50,
      label: .singular,
      type: .scalar(.string),
      oneofIndex: 0
    ),
    FieldCase(
      name: "c_status",
      number: 52,
      label: .singular,
      type: .named("Status"),
      oneofIndex: 0
    ),
    FieldCase(name: "kind", number: 60, label: .singular, type: .named("Kind")),
    FieldCase(name: "last", number: 536_870_911, label: .singular, type: .scalar(.int32)),
  ]

  @Test(
    "The rich fixture's fields parse with their number, label, type and oneof",
    arguments: richFields
  )
  func richField(_ expected: FieldCase) throws {
    let message = try #require(try Self.richFixture().messages.first)
    let field = try #require(message.fields.first { $0.name == expected.name })
    #expect(field.number == expected.number)
    #expect(field.label == expected.label)
    #expect(field.type == expected.type)
    #expect(field.oneofIndex == expected.oneofIndex)
  }

  @Test("The rich fixture's message keeps members in declaration order")
  func richMessageMembers() throws {
    let message = try #require(try Self.richFixture().messages.first)
    #expect(message.fields.count == 37)
    #expect(
      message.fields.filter { $0.oneofIndex != nil }.map(\.name) == [
        "c_string", "c_inner", "c_status",
      ]
    )
    #expect(message.oneofs.map(\.name) == ["choice"])
    #expect(message.messages.map(\.fullName) == ["frontend.rich.v1.Everything.Inner"])
    #expect(message.messages[0].enums.map(\.fullName) == ["frontend.rich.v1.Everything.Inner.Mode"])
    #expect(message.enums.map(\.fullName) == ["frontend.rich.v1.Everything.Kind"])
    #expect(
      message.options == [
        ProtoOption(
          name: "deprecated",
          value: .bool(true),
          location: ProtobufCodeGen.SourceLocation(
            file: "good/frontend_rich.proto",
            line: 21,
            column: 10
          )
        )
      ]
    )
    #expect(
      message.reservedRanges.map { $0.lowerBound ... $0.upperBound } == [
        100 ... 100, 101 ... 101, 200 ... 210, 1000 ... 1999,
      ]
    )
    #expect(message.reservedNames == ["old_field", "older_field"])
    #expect(
      message.messages[0].reservedRanges.map { $0.lowerBound ... $0.upperBound } == [
        10 ... 536_870_911
      ]
    )
  }

  @Test("The rich fixture's field options parse")
  func richFieldOptions() throws {
    let message = try #require(try Self.richFixture().messages.first)
    let options = Dictionary(
      uniqueKeysWithValues: message.fields.map { ($0.name, $0.options.map(\.value)) }
    )
    #expect(options["f_string"] == [.string("customString")])
    #expect(options["r_unpacked"] == [.bool(false)])
    #expect(options["r_status"] == [.bool(true)])
    #expect(message.fields.first { $0.name == "f_string" }?.jsonName == "customString")
  }

  @Test("The rich fixture's enum keeps aliases, negative values and reserved ranges")
  func richEnum() throws {
    let enumeration = try #require(try Self.richFixture().enums.first)
    #expect(
      enumeration.values.map(\.name) == [
        "STATUS_UNKNOWN", "STATUS_STARTED", "STATUS_RUNNING", "STATUS_NEGATIVE",
      ]
    )
    #expect(enumeration.values.map(\.number) == [0, 1, 1, -1])
    #expect(enumeration.allowsAlias)
    #expect(
      enumeration.reservedRanges.map { $0.lowerBound ... $0.upperBound } == [
        5 ... 5, 7 ... 9, 100 ... Int32.max,
      ]
    )
    #expect(enumeration.reservedNames == ["STATUS_OLD"])
  }

  @Test("The rich fixture's service parses streaming flags, types as written and method options")
  func richService() throws {
    let service = try #require(try Self.richFixture().services.first)
    #expect(service.options.map(\.name) == ["deprecated"])
    #expect(
      service.methods.map(\.name) == ["Unary", "ClientStream", "ServerStream", "Bidirectional"]
    )
    #expect(service.methods.map(\.clientStreaming) == [false, true, false, true])
    #expect(service.methods.map(\.serverStreaming) == [false, false, true, true])
    #expect(service.methods.map(\.hasBody) == [false, true, true, false])
    #expect(
      service.methods.map(\.inputType) == ["Everything", "Everything", "Everything", "Everything"]
    )
    #expect(
      service.methods.map(\.outputType) == ["Empty", ".frontend.rich.v1.Empty", "Empty", "Empty"]
    )
    #expect(
      service.methods[2].options.map(\.value) == [.bool(true), .identifier("NO_SIDE_EFFECTS")]
    )
  }

  // MARK: Comments

  @Test("Comments attach to the rich fixture's declarations like protoc's source info")
  func richComments() throws {
    let file = try Self.richFixture()
    let everything = file.messages[0]
    #expect(
      everything.comments
        == ProtoComments(
          leading: ["Leading comment of Everything,", "on two lines."],
          trailing: "Trailing comment of Everything."
        )
    )
    #expect(
      everything.messages[0].comments
        == ProtoComments(leading: ["A block comment", "on the nested message."])
    )
    #expect(everything.messages[0].enums[0].comments == ProtoComments(leading: ["A nested enum."]))
    #expect(
      everything.fields.first { $0.name == "inner" }?.comments
        == ProtoComments(trailing: "Trailing comment of inner.")
    )
    #expect(everything.fields.first { $0.name == "inner_mode" }?.comments == ProtoComments())
    #expect(everything.oneofs[0].comments == ProtoComments(leading: ["The oneof."]))
    #expect(
      file.enums[0].comments
        == ProtoComments(leading: ["Detached from Status by the blank line above, and attached."])
    )
    #expect(file.enums[0].values[2].comments == ProtoComments(trailing: "An alias."))
    #expect(file.services[0].comments == ProtoComments(leading: ["The service."]))
    #expect(
      file.services[0].methods[3].comments
        == ProtoComments(trailing: "Trailing comment of the method.")
    )
    #expect(file.messages[1].comments == ProtoComments())
  }

  @Test("A trailing comment does not become the next declaration's leading comment")
  func trailingIsNotLeading() throws {
    let message = try Self.message(
      """
      message M {
        int32 a = 1; // about a
        int32 b = 2;
        // about c
        /* and more */
        int32 c = 3;
      }
      """
    )
    #expect(
      message.fields.map(\.comments) == [
        ProtoComments(trailing: "about a"), ProtoComments(),
        ProtoComments(leading: ["about c", "and more"]),
      ]
    )
  }

  @Test("Block comments lose their markers, leading stars and one space")
  func blockCommentMarkers() throws {
    let message = try Self.message(
      """
      /**
       *  Indented twice.
       * Second line.
       *
       * After a blank line.
       */
      message M { /* trailing */ }
      """
    )
    #expect(
      message.comments
        == ProtoComments(
          leading: [" Indented twice.", "Second line.", "", "After a blank line."],
          trailing: "trailing"
        )
    )
  }

  // MARK: Locations

  @Test("Locations point at the first token of each declaration and at type names")
  func locations() throws {
    let file = try Self.parse(
      """
      message M {
        repeated  .pkg.T items = 1;
        map<string, Value> values = 2;
        oneof choice { int32 n = 3; }
      }
        enum E { E_ZERO = 0; }
      service S {
        rpc Call(stream Req) returns (Res);
      }
      """
    )
    let message = file.messages[0]
    #expect(message.location == Self.location(2, 1))
    #expect(
      message.fields.map(\.location) == [
        Self.location(3, 3), Self.location(4, 3), Self.location(5, 18),
      ]
    )
    #expect(
      message.fields.map(\.typeLocation) == [
        Self.location(3, 13), Self.location(4, 15), Self.location(5, 18),
      ]
    )
    #expect(message.oneofs[0].location == Self.location(5, 3))
    #expect(file.enums[0].location == Self.location(7, 3))
    #expect(file.enums[0].values[0].location == Self.location(7, 12))
    let method = file.services[0].methods[0]
    #expect(method.location == Self.location(9, 3))
    #expect(method.inputTypeLocation == Self.location(9, 19))
    #expect(method.outputTypeLocation == Self.location(9, 33))
    #expect(file.imports.isEmpty)
  }

  @Test("Locations carry the diagnostic path, and the file keeps its import name")
  func diagnosticPath() throws {
    let file = try ProtoParser.parse(
      "syntax = \"proto3\";\nimport \"b.proto\";\nmessage M {}",
      fileName: "a/a.proto",
      diagnosticPath: "Protos/a/a.proto"
    )
    #expect(file.name == "a/a.proto")
    #expect(
      file.imports == [
        ProtoImport(
          path: "b.proto",
          location: ProtobufCodeGen.SourceLocation(file: "Protos/a/a.proto", line: 2, column: 1)
        )
      ]
    )
    #expect(file.messages[0].location.description == "Protos/a/a.proto:3:1")
  }

  // MARK: Constructs

  @Test("Every scalar type name parses to its scalar", arguments: ProtoScalarType.allCases)
  func scalarTypes(_ scalar: ProtoScalarType) throws {
    let message = try Self.message("message M { \(scalar.rawValue) value = 1; }")
    #expect(message.fields[0].type == .scalar(scalar))
  }

  @Test("Imports keep their kind")
  func importKinds() throws {
    let file = try Self.parse(
      "import \"a.proto\";\nimport public \"b.proto\";\nimport weak \"c\" \".proto\";"
    )
    #expect(file.imports.map(\.path) == ["a.proto", "b.proto", "c.proto"])
    #expect(file.imports.map(\.kind) == [.normal, .public, .weak])
  }

  @Test("A file without a package has top-level full names without a prefix")
  func noPackage() throws {
    let file = try Self.parse("message A { message B { enum C { C_ZERO = 0; } } }\nservice S {}")
    #expect(file.package == "")
    #expect(file.messages[0].messages[0].fullName == "A.B")
    #expect(file.messages[0].messages[0].enums[0].fullName == "A.B.C")
    #expect(file.services[0].fullName == "S")
  }

  @Test("Custom option names keep their parentheses, at every level")
  func customOptions() throws {
    let file = try Self.parse(
      """
      option (my.file_opt) = 1;
      message M {
        option (.my.msg).sub.field = "x";
        int32 a = 1 [(my.field) = true, deprecated = false];
        oneof o {
          option (my.oneof) = 2;
          int32 b = 2;
        }
      }
      enum E {
        option (my.enum) = IDENT;
        E_ZERO = 0 [(my.value).x = -3];
      }
      service S {
        option (my.service) = { a: 1 };
        rpc Call(M) returns (M) { option (my.method) = 1.5; ; }
      }
      """
    )
    #expect(file.options.map(\.name) == ["(my.file_opt)"])
    #expect(file.messages[0].options.map(\.name) == ["(.my.msg).sub.field"])
    #expect(file.messages[0].fields[0].options.map(\.name) == ["(my.field)", "deprecated"])
    #expect(file.messages[0].oneofs[0].options.map(\.name) == ["(my.oneof)"])
    #expect(file.enums[0].options.map(\.value) == [.identifier("IDENT")])
    #expect(
      file.enums[0].values[0].options == [
        ProtoOption(name: "(my.value).x", value: .integer(-3), location: Self.location(13, 15))
      ]
    )
    #expect(file.services[0].options.map(\.value) == [.aggregate("{ a: 1 }")])
    #expect(file.services[0].methods[0].options.map(\.value) == [.float(1.5)])
  }

  struct OptionValueCase: CustomTestStringConvertible, Sendable {
    var source: String
    var value: ProtoOption.Value
    var testDescription: String { source }
  }

  static let optionValues: [OptionValueCase] = [
    OptionValueCase(source: "42", value: .integer(42)),
    OptionValueCase(source: "-42", value: .integer(-42)),
    OptionValueCase(source: "0x2A", value: .integer(42)),
    OptionValueCase(source: "052", value: .integer(42)),
    OptionValueCase(source: "0", value: .integer(0)),
    OptionValueCase(source: "18446744073709551615", value: .unsignedInteger(.max)),
    OptionValueCase(source: "-9223372036854775808", value: .integer(.min)),
    OptionValueCase(source: "1.5", value: .float(1.5)),
    OptionValueCase(source: "-1.5", value: .float(-1.5)),
    OptionValueCase(source: "1e3", value: .float(1000)),
    OptionValueCase(source: "2.5E-1", value: .float(0.25)),
    OptionValueCase(source: ".5", value: .float(0.5)),
    OptionValueCase(source: "5.", value: .float(5)),
    OptionValueCase(source: "inf", value: .float(.infinity)),
    OptionValueCase(source: "-inf", value: .float(-.infinity)),
    OptionValueCase(source: "true", value: .bool(true)),
    OptionValueCase(source: "false", value: .bool(false)),
    OptionValueCase(source: "SPEED", value: .identifier("SPEED")),
    OptionValueCase(source: "\"text\"", value: .string("text")),
    OptionValueCase(source: "'single'", value: .string("single")),
    OptionValueCase(source: "\"a\" 'b'\n  \"c\"", value: .string("abc")),
    OptionValueCase(
      source: "{ a: 1 b { c: \"}\" } }",
      value: .aggregate("{ a: 1 b { c: \"}\" } }")
    ),
    OptionValueCase(source: "{}", value: .aggregate("{}")),
  ]

  @Test("Option values parse to their kind", arguments: optionValues)
  func optionValue(_ expected: OptionValueCase) throws {
    #expect(try Self.optionValue(expected.source) == expected.value)
  }

  @Test("nan is a floating-point option value")
  func nanOptionValue() throws {
    guard case .float(let value) = try Self.optionValue("nan") else {
      Issue.record("nan is not a float")
      return
    }
    #expect(value.isNaN)
  }

  static let escapes: [(source: String, value: String)] = [
    (#""\n\t\r""#, "\n\t\r"),
    (#""\a\b\f\v""#, "\u{07}\u{08}\u{0C}\u{0B}"),
    (#""\\ \" \' \?""#, "\\ \" ' ?"),
    (#""\x41\x4a\x7""#, "AJ\u{07}"),
    (#""\101\60\0""#, "A0\u{0}"),
    (#""\u00e9\U0001F600""#, "é😀"),
    (#""\ud83d\ude00""#, "😀"),
    (#"'it\'s'"#, "it's"),
  ]

  @Test("String escapes decode", arguments: escapes)
  func stringEscape(_ escape: (source: String, value: String)) throws {
    #expect(try Self.optionValue(escape.source) == .string(escape.value))
  }

  @Test("Field numbers may be written in hexadecimal or octal")
  func fieldNumberBases() throws {
    let message = try Self.message("message M { int32 a = 0x10; int32 b = 010; }")
    #expect(message.fields.map(\.number) == [16, 8])
  }

  @Test("proto3 optional is a label and creates no oneof")
  func proto3Optional() throws {
    let message = try Self.message("message M { optional int32 a = 1; oneof o { int32 b = 2; } }")
    #expect(message.fields[0].label == .optional)
    #expect(message.fields[0].oneofIndex == nil)
    #expect(message.oneofs.map(\.name) == ["o"])
  }

  @Test("A field may be named like a keyword, and a type may be called map or stream")
  func keywordsAsNames() throws {
    let file = try Self.parse(
      """
      message map { string message = 1; int32 option = 2; map reserved = 3; }
      message stream {}
      service S { rpc Call(stream) returns (stream stream); }
      """
    )
    #expect(file.messages[0].fields.map(\.name) == ["message", "option", "reserved"])
    #expect(file.messages[0].fields[2].type == .named("map"))
    let method = file.services[0].methods[0]
    #expect([method.inputType, method.outputType] == ["stream", "stream"])
    #expect([method.clientStreaming, method.serverStreaming] == [false, true])
  }

  @Test("Empty statements are allowed at every level")
  func emptyStatements() throws {
    let file = try Self.parse(
      ";message M { ; int32 a = 1;; oneof o { ; int32 b = 2; } };\nenum E { ; E_ZERO = 0; }\n;"
    )
    #expect(file.messages[0].fields.count == 2)
    #expect(file.enums[0].values.count == 1)
  }

  // MARK: Syntax errors

  struct ErrorCase: CustomTestStringConvertible, Sendable {
    var name: String
    var source: String
    var diagnostic: String
    var code: CodeGenError.Code = .syntaxError
    var testDescription: String { name }
  }

  static let errors: [ErrorCase] = [
    ErrorCase(
      name: "missing semicolon",
      source: "syntax = \"proto3\";\nmessage M {\n  int32 a = 1\n}",
      diagnostic: #"test.proto:4:1: error: expected ";" after field declaration, found "}""#
    ),
    ErrorCase(
      name: "proto2",
      source: #"syntax = "proto2";"#,
      diagnostic:
        #"test.proto:1:10: error: only proto3 is supported; this file declares syntax "proto2""#,
      code: .unsupportedSyntax
    ),
    ErrorCase(
      name: "editions",
      source: #"edition = "2023";"#,
      diagnostic:
        #"test.proto:1:11: error: only proto3 is supported; this file declares edition "2023""#,
      code: .unsupportedSyntax
    ),
    ErrorCase(
      name: "no syntax statement",
      source: "// Comment.\nmessage M {}",
      diagnostic:
        #"test.proto:2:1: error: the file must start with syntax = "proto3"; without it protoc assumes proto2, which is not supported"#,
      code: .unsupportedSyntax
    ),
    ErrorCase(
      name: "required",
      source: "syntax = \"proto3\";\nmessage M { required int32 a = 1; }",
      diagnostic: "test.proto:2:13: error: proto3 does not allow required fields"
    ),
    ErrorCase(
      name: "group",
      source: "syntax = \"proto3\";\nmessage M { repeated group G = 1 {} }",
      diagnostic:
        "test.proto:2:22: error: proto3 does not allow groups; declare a nested message and a field of that type"
    ),
    ErrorCase(
      name: "extension range",
      source: "syntax = \"proto3\";\nmessage M { extensions 100 to 200; }",
      diagnostic: #"test.proto:2:13: error: proto3 does not allow extension ranges ("extensions")"#
    ),
    ErrorCase(
      name: "extend",
      source: "syntax = \"proto3\";\nextend M { int32 a = 1; }",
      diagnostic:
        #"test.proto:2:1: error: proto3 allows "extend" only to declare custom options, which this generator does not support"#
    ),
    ErrorCase(
      name: "repeated oneof member",
      source: "syntax = \"proto3\";\nmessage M { oneof o { repeated int32 a = 1; } }",
      diagnostic: #"test.proto:2:23: error: fields in oneof "o" cannot be repeated"#
    ),
    ErrorCase(
      name: "optional oneof member",
      source: "syntax = \"proto3\";\nmessage M { oneof o { optional int32 a = 1; } }",
      diagnostic: #"test.proto:2:23: error: fields in oneof "o" cannot be optional"#
    ),
    ErrorCase(
      name: "map in a oneof",
      source: "syntax = \"proto3\";\nmessage M { oneof o { map<string, int32> a = 1; } }",
      diagnostic: #"test.proto:2:23: error: map fields are not allowed in oneof "o""#,
      code: .invalidMap
    ),
    ErrorCase(
      name: "repeated map",
      source: "syntax = \"proto3\";\nmessage M { repeated map<string, int32> a = 1; }",
      diagnostic: "test.proto:2:13: error: map fields cannot be repeated or optional",
      code: .invalidMap
    ),
    ErrorCase(
      name: "message map key",
      source: "syntax = \"proto3\";\nmessage M { map<M, int32> a = 1; }",
      diagnostic:
        #"test.proto:2:17: error: map key type must be an integral type, bool or string, not "M""#,
      code: .invalidMap
    ),
    ErrorCase(
      name: "empty oneof",
      source: "syntax = \"proto3\";\nmessage M { oneof o { } }",
      diagnostic: #"test.proto:2:23: error: oneof "o" must have at least one field"#
    ),
    ErrorCase(
      name: "unclosed message",
      source: "syntax = \"proto3\";\nmessage M {\n  int32 a = 1;\n",
      diagnostic: #"test.proto:4:1: error: expected "}" to close message "M", found end of file"#
    ),
    ErrorCase(
      name: "unknown top-level statement",
      source: "syntax = \"proto3\";\nmesage M {}",
      diagnostic:
        #"test.proto:2:1: error: expected "message", "enum", "service", "import", "package" or "option", found "mesage""#
    ),
    ErrorCase(
      name: "two packages",
      source: "syntax = \"proto3\";\npackage a;\npackage b;",
      diagnostic: "test.proto:3:1: error: a file may declare only one package"
    ),
    ErrorCase(
      name: "unterminated string",
      source: "syntax = \"proto3\";\noption a = \"text;\n",
      diagnostic: "test.proto:2:12: error: string literal is not closed before the end of the line"
    ),
    ErrorCase(
      name: "invalid escape",
      source: "syntax = \"proto3\";\noption a = \"a\\qb\";",
      diagnostic: #"test.proto:2:14: error: invalid escape sequence "\q" in a string literal"#
    ),
    ErrorCase(
      name: "unterminated block comment",
      source: "syntax = \"proto3\";\n  /* never closed\nmessage M {}",
      diagnostic: #"test.proto:2:3: error: block comment is not closed with "*/""#
    ),
    ErrorCase(
      name: "bad octal number",
      source: "syntax = \"proto3\";\nmessage M { int32 a = 09; }",
      diagnostic:
        "test.proto:2:23: error: numbers starting with 0 are octal and may only contain the digits 0 to 7"
    ),
    ErrorCase(
      name: "number touching a name",
      source: "syntax = \"proto3\";\nmessage M { int32 a = 1b; }",
      diagnostic:
        #"test.proto:2:24: error: a number must be followed by a space or punctuation, not "b""#
    ),
    ErrorCase(
      name: "field number too large for 32 bits",
      source: "syntax = \"proto3\";\nmessage M { int32 a = 4294967296; }",
      diagnostic:
        "test.proto:2:23: error: field number 4294967296 is out of range; field numbers are 1 to 536870911",
      code: .fieldNumberOutOfRange
    ),
    ErrorCase(
      name: "enum value too large for 32 bits",
      source: "syntax = \"proto3\";\nenum E { E_ZERO = 2147483648; }",
      diagnostic:
        "test.proto:2:19: error: enum value 2147483648 is out of range; enum values are 32-bit signed integers",
      code: .invalidEnum
    ),
    ErrorCase(
      name: "reserved names and numbers mixed",
      source: "syntax = \"proto3\";\nmessage M { reserved \"a\", 2; }",
      diagnostic: #"test.proto:2:27: error: expected a reserved name in quotes, found "2""#
    ),
    ErrorCase(
      name: "backwards reserved range",
      source: "syntax = \"proto3\";\nmessage M { reserved 5 to 2; }",
      diagnostic: "test.proto:2:22: error: reserved range 5 to 2 ends before it starts"
    ),
    ErrorCase(
      name: "rpc without returns",
      source: "syntax = \"proto3\";\nservice S { rpc Call(A) (B); }",
      diagnostic:
        #"test.proto:2:25: error: expected "returns" after the request type of method "Call", found "(""#
    ),
    ErrorCase(
      name: "character outside the grammar",
      source: "syntax = \"proto3\";\nmessage M { int32 a = 1; } \u{7}",
      diagnostic:
        "test.proto:2:28: error: unexpected character byte 0x7 outside a string or comment"
    ),
    ErrorCase(
      name: "field without a name",
      source: "syntax = \"proto3\";\nmessage M { int32 = 1; }",
      diagnostic: #"test.proto:2:19: error: expected a field name after the type, found "=""#
    ),
  ]

  @Test("Syntax errors stop the parse at the offending token", arguments: errors)
  func syntaxError(_ expected: ErrorCase) {
    #expect {
      try ProtoParser.parse(expected.source, fileName: "test.proto", diagnosticPath: "test.proto")
    } throws: { error in
      guard let error = error as? CodeGenError else { return false }
      #expect(error.description == expected.diagnostic)
      #expect(error.code == expected.code)
      return true
    }
  }
}

/// The front-end fixtures under `Fixtures/`, and files held in memory.
enum FrontEndFixtures {
  /// The `Fixtures` directory next to this file.
  static let directory = URL(filePath: #filePath).deletingLastPathComponent().appending(
    path: "Fixtures"
  ).path

  /// The text of the fixture at `path`, relative to ``directory``.
  static func text(_ path: String) throws -> String {
    try String(contentsOfFile: "\(directory)/\(path)", encoding: .utf8)
  }

  /// A loader over ``directory`` whose diagnostics name files relative to it (`bad/x.proto`).
  static func loader(importPaths: [String]) -> ProtoLoader {
    ProtoLoader(importPaths: importPaths) { path in
      try? String(contentsOfFile: "\(directory)/\(path)", encoding: .utf8)
    }
  }

  /// Loads `names` from `files` (file name → text), with no import path.
  static func load(
    _ names: [String],
    from files: [String: String]
  ) throws(CodeGenDiagnostics) -> ProtoFileSet {
    try ProtoLoader(importPaths: []) { files[$0] }.load(names)
  }
}
