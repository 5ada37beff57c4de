import ProtobufWellKnownTypes
import Testing

@Suite("Wrapper, Struct, Value, ListValue and FieldMask conveniences")
struct LiteralTests {
  @Test("Each wrapper is made from a literal or its value")
  func wrappers() {
    let double: Google_Protobuf_DoubleValue = 2.5
    let float: Google_Protobuf_FloatValue = -0.25
    let int64: Google_Protobuf_Int64Value = -7
    let uint64: Google_Protobuf_UInt64Value = 7
    let int32: Google_Protobuf_Int32Value = -3
    let uint32: Google_Protobuf_UInt32Value = 3
    let bool: Google_Protobuf_BoolValue = true
    let string: Google_Protobuf_StringValue = "ada"
    #expect(double.value == 2.5 && float.value == -0.25)
    #expect(int64.value == -7 && uint64.value == 7 && int32.value == -3 && uint32.value == 3)
    #expect(bool.value && string.value == "ada")
    #expect(Google_Protobuf_BytesValue([1, 2]).value == [1, 2])
    #expect(Google_Protobuf_Int32Value(9) == Google_Protobuf_Int32Value(value: 9))
  }

  @Test("An optional wrapper field takes a literal, so unset and zero differ")
  func optionalWrapperField() {
    var pageSize: Google_Protobuf_Int32Value? = nil
    #expect(pageSize?.value == nil)
    pageSize = 0
    #expect(pageSize?.value == 0)
  }

  @Test(
    "A Value is made from a literal of each JSON kind",
    arguments: [
      (Google_Protobuf_Value.null, Google_Protobuf_Value.OneOf_Kind.nullValue(.nullValue)),
      (1, .numberValue(1)),
      (2.5, .numberValue(2.5)),
      (false, .boolValue(false)),
      ("s", .stringValue("s")),
      (
        [1, "a"],
        .listValue(
          Google_Protobuf_ListValue(values: [.init(numberValue: 1), .init(stringValue: "a")])
        )
      ),
      (["k": true], .structValue(Google_Protobuf_Struct(fields: ["k": .init(boolValue: true)]))),
      ([], .listValue(Google_Protobuf_ListValue())),
      ([:], .structValue(Google_Protobuf_Struct())),
    ] as [(Google_Protobuf_Value, Google_Protobuf_Value.OneOf_Kind)]
  )
  func valueLiterals(value: Google_Protobuf_Value, kind: Google_Protobuf_Value.OneOf_Kind) {
    #expect(value.kind == kind)
  }

  @Test("A Struct reads, writes and removes fields by key; a repeated key keeps its last value")
  func structFields() {
    var attributes = Google_Protobuf_Struct(dictionaryLiteral: ("name", "ada"), ("name", "grace"))
    #expect(attributes["name"] == "grace")
    attributes["admin"] = true
    #expect(attributes.fields.count == 2)
    attributes["name"] = nil
    #expect(attributes.fields.keys.sorted() == ["admin"])
  }

  @Test("A ListValue is made from an array literal, in order")
  func listLiteral() {
    let list: Google_Protobuf_ListValue = [1, "two", .null]
    #expect(list.values == [1, "two", .null])
  }

  @Test(
    "A FieldMask covers its paths and the fields inside them",
    arguments: [
      ("a", ["a"], true), ("a.b", ["a"], true), ("a.b.c", ["x", "a.b"], true),
      ("ab", ["a"], false), ("a", ["a.b"], false), ("x", [], false),
    ]
  )
  func fieldMaskCovers(path: String, paths: [String], covered: Bool) {
    #expect(Google_Protobuf_FieldMask(paths: paths).covers(path) == covered)
  }

  @Test("A FieldMask is made from an array literal of paths")
  func fieldMaskLiteral() {
    let mask: Google_Protobuf_FieldMask = ["user.display_name", "message"]
    #expect(mask.paths == ["user.display_name", "message"])
  }
}
