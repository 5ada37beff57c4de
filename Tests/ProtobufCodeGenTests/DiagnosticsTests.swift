import ProtobufCodeGen
import Testing

@Suite("Proto diagnostics")
struct DiagnosticsTests {
  struct FixtureCase: CustomTestStringConvertible, Sendable {
    /// Under `Fixtures/bad/`.
    var file: String
    var code: CodeGenError.Code
    var diagnostic: String
    var testDescription: String { file }
  }

  static let fixtures: [FixtureCase] = [
    FixtureCase(
      file: "syntax_error.proto",
      code: .syntaxError,
      diagnostic:
        #"bad/syntax_error.proto:5:3: error: expected ";" after field declaration, found "int32""#
    ),
    FixtureCase(
      file: "unknown_type.proto",
      code: .unknownType,
      diagnostic:
        #"bad/unknown_type.proto:6:3: error: unknown type "Customer" in field "customer" of message "fixtures.bad.Order""#
    ),
    FixtureCase(
      file: "duplicate_field_number.proto",
      code: .duplicateFieldNumber,
      diagnostic:
        #"bad/duplicate_field_number.proto:6:5: error: field number 1 is used by both "first" and "second" in message "Pair""#
    ),
    FixtureCase(
      file: "field_number_zero.proto",
      code: .fieldNumberOutOfRange,
      diagnostic:
        "bad/field_number_zero.proto:4:3: error: field number 0 is out of range; field numbers are 1 to 536870911"
    ),
    FixtureCase(
      file: "field_number_19001.proto",
      code: .fieldNumberOutOfRange,
      diagnostic:
        "bad/field_number_19001.proto:4:3: error: field number 19001 is in the range 19000 to 19999 reserved for the protobuf implementation"
    ),
    FixtureCase(
      file: "reserved_number.proto",
      code: .reservedNumber,
      diagnostic:
        #"bad/reserved_number.proto:5:3: error: field "name" uses number 10, which is reserved in message "Retired""#
    ),
    FixtureCase(
      file: "reserved_name.proto",
      code: .reservedName,
      diagnostic:
        #"bad/reserved_name.proto:5:3: error: field name "old_name" is reserved in message "Retired""#
    ),
    FixtureCase(
      file: "missing_import.proto",
      code: .missingImport,
      diagnostic:
        #"bad/missing_import.proto:6:3: error: type "Hidden" is defined in "missing_import_hidden.proto", which "missing_import.proto" does not import"#
    ),
    FixtureCase(
      file: "import_not_found.proto",
      code: .importNotFound,
      diagnostic:
        #"bad/import_not_found.proto:3:1: error: import "does/not/exist.proto" was not found in import paths: bad"#
    ),
    FixtureCase(
      file: "import_well_known_not_found.proto",
      code: .importNotFound,
      diagnostic:
        #"bad/import_well_known_not_found.proto:3:1: error: import "google/protobuf/nonexistent.proto" was not found in import paths: bad"#
    ),
    FixtureCase(
      file: "import_cycle_a.proto",
      code: .importCycle,
      diagnostic:
        "bad/import_cycle_b.proto:3:1: error: import cycle: import_cycle_a.proto -> import_cycle_b.proto -> import_cycle_a.proto"
    ),
    FixtureCase(
      file: "map_float_key.proto",
      code: .invalidMap,
      diagnostic:
        #"bad/map_float_key.proto:4:3: error: map key type must be an integral type, bool or string, not float, in field "buckets" of message "Histogram""#
    ),
    FixtureCase(
      file: "enum_nonzero_first.proto",
      code: .invalidEnum,
      diagnostic:
        #"bad/enum_nonzero_first.proto:4:3: error: the first value of enum "Level" must be 0 in proto3"#
    ),
    FixtureCase(
      file: "proto2_syntax.proto",
      code: .unsupportedSyntax,
      diagnostic:
        #"bad/proto2_syntax.proto:1:10: error: only proto3 is supported; this file declares syntax "proto2""#
    ),
  ]

  @Test("Each bad fixture gives exactly its diagnostic", arguments: fixtures)
  func badFixture(_ expected: FixtureCase) {
    #expect {
      try FrontEndFixtures.loader(importPaths: ["bad"]).load([expected.file])
    } throws: { error in
      guard let diagnostics = error as? CodeGenDiagnostics else { return false }
      #expect(diagnostics.description == expected.diagnostic)
      #expect(diagnostics.errors.map(\.code) == [expected.code])
      return true
    }
  }

  /// The diagnostics of loading `test.proto` with `body` after a proto3 header, or nil when it loads.
  static func diagnostics(_ body: String) -> String? {
    do {
      _ = try FrontEndFixtures.load(
        ["test.proto"],
        from: ["test.proto": "syntax = \"proto3\";\n" + body]
      )
      return nil
    } catch {
      return error.description
    }
  }

  struct RuleCase: CustomTestStringConvertible, Sendable {
    var rule: String
    var body: String
    var diagnostic: String
    var testDescription: String { rule }
  }

  static let rules: [RuleCase] = [
    RuleCase(
      rule: "packed on a singular field",
      body: "message M { int32 a = 1 [packed = true]; }",
      diagnostic:
        #"test.proto:2:26: error: option "packed" applies only to repeated fields of numeric, bool or enum types, not to field "a" of message "M""#
    ),
    RuleCase(
      rule: "packed on repeated strings",
      body: "message M { repeated string a = 1 [packed = false]; }",
      diagnostic:
        #"test.proto:2:36: error: option "packed" applies only to repeated fields of numeric, bool or enum types, not to field "a" of message "M""#
    ),
    RuleCase(
      rule: "packed that is not a bool",
      body: "message M { repeated int32 a = 1 [packed = 1]; }",
      diagnostic:
        #"test.proto:2:35: error: option "packed" must be true or false, in field "a" of message "M""#
    ),
    RuleCase(
      rule: "json_name that is not a string",
      body: "message M { int32 a = 1 [json_name = A]; }",
      diagnostic:
        #"test.proto:2:26: error: option "json_name" must be a string, in field "a" of message "M""#
    ),
    RuleCase(
      rule: "default value",
      body: "message M { int32 a = 1 [default = 5]; }",
      diagnostic:
        #"test.proto:2:26: error: proto3 does not allow default values, in field "a" of message "M""#
    ),
    RuleCase(
      rule: "enum without values",
      body: "enum E {}",
      diagnostic: #"test.proto:2:1: error: enum "E" must have at least one value"#
    ),
    RuleCase(
      rule: "enum alias without allow_alias",
      body: "enum E { E_ZERO = 0; E_NONE = 0; }",
      diagnostic:
        #"test.proto:2:22: error: enum value "E_NONE" uses number 0, which "E_ZERO" already uses in enum "E"; set option allow_alias = true to allow aliases"#
    ),
    RuleCase(
      rule: "allow_alias without aliases",
      body: "enum E {\n  option allow_alias = true;\n  E_ZERO = 0;\n}",
      diagnostic:
        #"test.proto:3:10: error: enum "E" sets allow_alias but no two of its values share a number"#
    ),
    RuleCase(
      rule: "reserved enum number",
      body: "enum E { E_ZERO = 0; E_ONE = 1; reserved -5 to 1; }",
      diagnostic: #"""
        test.proto:2:10: error: enum value "E_ZERO" uses number 0, which is reserved in enum "E"
        test.proto:2:22: error: enum value "E_ONE" uses number 1, which is reserved in enum "E"
        """#
    ),
    RuleCase(
      rule: "reserved enum name",
      body: "enum E { reserved \"E_ZERO\"; E_ZERO = 0; }",
      diagnostic: #"test.proto:2:29: error: enum value name "E_ZERO" is reserved in enum "E""#
    ),
    RuleCase(
      rule: "reserved field number out of range",
      body: "message M { reserved 0 to 3; }",
      diagnostic:
        "test.proto:2:22: error: reserved range 0 to 3 is out of range; field numbers are 1 to 536870911"
    ),
    RuleCase(
      rule: "negative field number",
      body: "message M { int32 a = -1; }",
      diagnostic:
        "test.proto:2:13: error: field number -1 is out of range; field numbers are 1 to 536870911"
    ),
    RuleCase(
      rule: "field number above the maximum",
      body: "message M { int32 a = 536870912; }",
      diagnostic:
        "test.proto:2:13: error: field number 536870912 is out of range; field numbers are 1 to 536870911"
    ),
    RuleCase(
      rule: "JSON name conflict",
      body: "message M { int32 foo_bar = 1; int32 fooBar = 2; }",
      diagnostic:
        #"test.proto:2:32: error: the JSON name of field "fooBar" conflicts with field "foo_bar" in message "M"; proto3 does not allow this"#
    ),
    RuleCase(
      rule: "map with a bytes key",
      body: "message M { map<bytes, int32> a = 1; }",
      diagnostic:
        #"test.proto:2:13: error: map key type must be an integral type, bool or string, not bytes, in field "a" of message "M""#
    ),
    RuleCase(
      rule: "import listed twice",
      body: "import \"test.proto\";\nimport \"test.proto\";",
      diagnostic: """
        test.proto:2:1: error: import cycle: test.proto -> test.proto
        test.proto:3:1: error: "test.proto" is imported twice
        """
    ),
  ]

  @Test("Each proto3 rule has a diagnostic that names it", arguments: rules)
  func rule(_ expected: RuleCase) {
    #expect(Self.diagnostics(expected.body) == expected.diagnostic)
  }

  @Test("Valid packed, json_name and allow_alias options give no diagnostic")
  func validOptions() {
    let body = """
      enum E { option allow_alias = true; E_ZERO = 0; E_NONE = 0; }
      message M {
        repeated E e = 1 [packed = false];
        repeated double d = 2 [packed = true, json_name = "dee"];
        string s = 3 [deprecated = true, (custom.option) = 1];
      }
      """
    #expect(Self.diagnostics(body) == nil)
  }

  @Test("Problems in several files are all reported, sorted by file, line and column")
  func severalFiles() {
    let files = [
      "b.proto": "syntax = \"proto3\";\nmessage B { int32 x = 0; Nope y = 2; }",
      "a.proto":
        "syntax = \"proto3\";\nimport \"b.proto\";\nimport \"c.proto\";\nmessage A { int32 x = 1; int32 y = 1; }",
      "c.proto": "syntax = \"proto3\";\nenum C { C_ONE = 1; }",
    ]
    #expect {
      try FrontEndFixtures.load(["a.proto"], from: files)
    } throws: { error in
      guard let diagnostics = error as? CodeGenDiagnostics else { return false }
      #expect(
        diagnostics.description == #"""
          a.proto:4:26: error: field number 1 is used by both "x" and "y" in message "A"
          b.proto:2:13: error: field number 0 is out of range; field numbers are 1 to 536870911
          b.proto:2:26: error: unknown type "Nope" in field "y" of message "B"
          c.proto:2:10: error: the first value of enum "C" must be 0 in proto3
          """#
      )
      return true
    }
  }

  @Test("A syntax error in one file is reported with the problems of loading the others")
  func syntaxErrorAndMissingImport() {
    let files = [
      "a.proto": "syntax = \"proto3\";\nimport \"b.proto\";\nimport \"gone.proto\";",
      "b.proto": "syntax = \"proto3\";\nmessage B {",
    ]
    #expect {
      try FrontEndFixtures.load(["a.proto", "missing.proto"], from: files)
    } throws: { error in
      guard let diagnostics = error as? CodeGenDiagnostics else { return false }
      #expect(
        diagnostics.description == #"""
          a.proto:3:1: error: import "gone.proto" was not found in import paths: .
          b.proto:2:12: error: expected "}" to close message "B", found end of file
          missing.proto:1:1: error: file "missing.proto" was not found in import paths: .
          """#
      )
      return true
    }
  }
}
