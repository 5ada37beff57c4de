/// Limits applied while decoding untrusted bytes.
public struct ProtobufDecodingOptions: Hashable, Sendable {
  /// How deep messages may nest inside one another (the top-level message is depth 1).
  /// Deeper input fails with ``WireDecodingError/Code/nestingTooDeep`` instead of exhausting the stack.
  public var maximumNestingDepth: Int

  /// - Parameter maximumNestingDepth: 100 by default, as in protobuf C++.
  public init(maximumNestingDepth: Int = 100) {
    self.maximumNestingDepth = maximumNestingDepth
  }
}
