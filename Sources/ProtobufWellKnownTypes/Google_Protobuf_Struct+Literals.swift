// google.protobuf.Struct is JSON's object and ListValue JSON's array; both are made from literals
// of Google_Protobuf_Value:
//
//   let attributes: Google_Protobuf_Struct = ["name": "ada", "admin": true, "tags": ["a"]]
//   let list: Google_Protobuf_ListValue = [1, "two", .null]

extension Google_Protobuf_Struct: ExpressibleByDictionaryLiteral {
  /// A struct with these fields; a key given twice keeps its last value.
  public init(dictionaryLiteral elements: (String, Google_Protobuf_Value)...) {
    self.init(fields: Google_Protobuf_Value.fields(elements))
  }

  /// The value of field `key`, or `nil` when there is none; setting `nil` removes the field.
  public subscript(key: String) -> Google_Protobuf_Value? {
    get { fields[key] }
    set { fields[key] = newValue }
  }
}

extension Google_Protobuf_ListValue: ExpressibleByArrayLiteral {
  public init(arrayLiteral elements: Google_Protobuf_Value...) {
    self.init(values: elements)
  }
}
