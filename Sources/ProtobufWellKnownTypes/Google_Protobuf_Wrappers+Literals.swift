// The wrappers (google/protobuf/wrappers.proto) box a scalar so that a field can tell "unset"
// from the default value. Each one is made from its value, or from a literal where a wrapper is
// expected:
//
//   request.pageSize = 50            // a google.protobuf.Int32Value field
//   request.nickname = "ada"         // a google.protobuf.StringValue field
//   request.pageSize?.value ?? 20    // read it back, with a default when unset

extension Google_Protobuf_DoubleValue: ExpressibleByFloatLiteral {
  /// The wrapper of `value`.
  public init(_ value: Double) {
    self.init(value: value)
  }

  public init(floatLiteral value: Double) {
    self.init(value: value)
  }
}

extension Google_Protobuf_FloatValue: ExpressibleByFloatLiteral {
  /// The wrapper of `value`.
  public init(_ value: Float) {
    self.init(value: value)
  }

  public init(floatLiteral value: Float) {
    self.init(value: value)
  }
}

extension Google_Protobuf_Int64Value: ExpressibleByIntegerLiteral {
  /// The wrapper of `value`.
  public init(_ value: Int64) {
    self.init(value: value)
  }

  public init(integerLiteral value: Int64) {
    self.init(value: value)
  }
}

extension Google_Protobuf_UInt64Value: ExpressibleByIntegerLiteral {
  /// The wrapper of `value`.
  public init(_ value: UInt64) {
    self.init(value: value)
  }

  public init(integerLiteral value: UInt64) {
    self.init(value: value)
  }
}

extension Google_Protobuf_Int32Value: ExpressibleByIntegerLiteral {
  /// The wrapper of `value`.
  public init(_ value: Int32) {
    self.init(value: value)
  }

  public init(integerLiteral value: Int32) {
    self.init(value: value)
  }
}

extension Google_Protobuf_UInt32Value: ExpressibleByIntegerLiteral {
  /// The wrapper of `value`.
  public init(_ value: UInt32) {
    self.init(value: value)
  }

  public init(integerLiteral value: UInt32) {
    self.init(value: value)
  }
}

extension Google_Protobuf_BoolValue: ExpressibleByBooleanLiteral {
  /// The wrapper of `value`.
  public init(_ value: Bool) {
    self.init(value: value)
  }

  public init(booleanLiteral value: Bool) {
    self.init(value: value)
  }
}

extension Google_Protobuf_StringValue: ExpressibleByStringLiteral {
  /// The wrapper of `value`.
  public init(_ value: String) {
    self.init(value: value)
  }

  public init(stringLiteral value: String) {
    self.init(value: value)
  }
}

extension Google_Protobuf_BytesValue {
  /// The wrapper of `value`.
  public init(_ value: [UInt8]) {
    self.init(value: value)
  }
}
