// A google.protobuf.Value is JSON's value: null, a number, a string, a bool, a Struct (object) or
// a ListValue (array). It is made from a literal of any of these, nested as JSON is:
//
//   let value: Google_Protobuf_Value = ["name": "ada", "age": 36, "tags": ["a", "b"], "x": .null]

extension Google_Protobuf_Value {
  /// The `null_value` kind: JSON's `null`.
  public static let null = Google_Protobuf_Value(kind: .nullValue(.nullValue))

  /// A number value.
  public init(numberValue: Double) {
    self.init(kind: .numberValue(numberValue))
  }

  /// A string value.
  public init(stringValue: String) {
    self.init(kind: .stringValue(stringValue))
  }

  /// A bool value.
  public init(boolValue: Bool) {
    self.init(kind: .boolValue(boolValue))
  }

  /// A struct value: JSON's object.
  public init(structValue: Google_Protobuf_Struct) {
    self.init(kind: .structValue(structValue))
  }

  /// A list value: JSON's array.
  public init(listValue: Google_Protobuf_ListValue) {
    self.init(kind: .listValue(listValue))
  }
}

extension Google_Protobuf_Value: ExpressibleByIntegerLiteral {
  /// A number value; integers beyond ±2^53 lose precision, as in JSON.
  public init(integerLiteral value: Int64) {
    self.init(numberValue: Double(value))
  }
}

extension Google_Protobuf_Value: ExpressibleByFloatLiteral {
  public init(floatLiteral value: Double) {
    self.init(numberValue: value)
  }
}

extension Google_Protobuf_Value: ExpressibleByBooleanLiteral {
  public init(booleanLiteral value: Bool) {
    self.init(boolValue: value)
  }
}

extension Google_Protobuf_Value: ExpressibleByStringLiteral {
  public init(stringLiteral value: String) {
    self.init(stringValue: value)
  }
}

extension Google_Protobuf_Value: ExpressibleByArrayLiteral {
  public init(arrayLiteral elements: Google_Protobuf_Value...) {
    self.init(listValue: Google_Protobuf_ListValue(values: elements))
  }
}

extension Google_Protobuf_Value: ExpressibleByDictionaryLiteral {
  /// A struct value; a key given twice keeps its last value.
  public init(dictionaryLiteral elements: (String, Google_Protobuf_Value)...) {
    self.init(structValue: Google_Protobuf_Struct(fields: Self.fields(elements)))
  }

  /// The fields of a dictionary literal, the last value of a repeated key winning.
  static func fields(
    _ elements: [(String, Google_Protobuf_Value)]
  ) -> [String: Google_Protobuf_Value] {
    Dictionary(elements, uniquingKeysWith: { _, last in last })
  }
}
