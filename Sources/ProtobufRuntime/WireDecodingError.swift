/// Why bytes could not be decoded as a protobuf message.
///
/// The ``code`` says which rule was broken; ``message`` says it in words, led by the path of field numbers
/// when the problem is inside a field; ``offset`` is the byte offset in the input where it was found.
public struct WireDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The kind of malformation.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Wrapped: String, Hashable, Sendable {
      case truncated = "truncated input"
      case malformedVarint = "malformed varint"
      case lengthOutOfBounds = "length out of bounds"
      case wrongWireType = "wrong wire type"
      case invalidUTF8 = "invalid UTF-8"
      case invalidFieldNumber = "invalid field number"
      case unsupportedWireType = "unsupported wire type"
      case nestingTooDeep = "nesting too deep"
    }

    private let wrapped: Wrapped
    private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

    /// The input ends inside a tag or a value.
    public static let truncated = Code(.truncated)
    /// A varint runs past 10 bytes.
    public static let malformedVarint = Code(.malformedVarint)
    /// A length prefix points past the end of the enclosing message.
    public static let lengthOutOfBounds = Code(.lengthOutOfBounds)
    /// A known field arrives with a wire type its declared type cannot have.
    public static let wrongWireType = Code(.wrongWireType)
    /// A `string` field holds bytes that are not UTF-8.
    public static let invalidUTF8 = Code(.invalidUTF8)
    /// A tag carries field number 0 (or one above 536870911).
    public static let invalidFieldNumber = Code(.invalidFieldNumber)
    /// Groups (wire types 3 and 4) and the undefined wire types 6 and 7.
    public static let unsupportedWireType = Code(.unsupportedWireType)
    /// Messages nest deeper than ``ProtobufDecodingOptions/maximumNestingDepth``.
    public static let nestingTooDeep = Code(.nestingTooDeep)

    public var description: String { wrapped.rawValue }
  }

  public var code: Code
  /// The rule that was broken, such as `string is not valid UTF-8`.
  public var reason: String
  /// Field numbers from the outermost message down to the field being read; empty outside any field.
  public var fieldPath: [Int]
  /// Byte offset in the input where decoding stopped.
  public var offset: Int

  public init(_ code: Code, _ reason: String, offset: Int, fieldPath: [Int] = []) {
    self.code = code
    self.reason = reason
    self.offset = offset
    self.fieldPath = fieldPath
  }

  /// The reason, led by the field path when there is one: `field 17.2: string is not valid UTF-8`.
  public var message: String {
    if fieldPath.isEmpty { return reason }
    return "field \(fieldPath.map(String.init).joined(separator: ".")): \(reason)"
  }

  public var description: String { "\(code) at byte \(offset): \(message)" }

  /// The same error, one field further out.
  @usableFromInline
  func inField(_ number: Int) -> WireDecodingError {
    var error = self
    error.fieldPath.insert(number, at: 0)
    return error
  }
}
