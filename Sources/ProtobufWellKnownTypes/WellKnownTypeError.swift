/// Why a well-known type's value could not be made or read: a timestamp or duration outside its
/// range, or an `Any` that holds another type or bytes that do not decode.
///
/// The ``code`` says which rule was broken; ``message`` says it in words and names the rule
/// (`"timestamp nanos is 1000000000; nanos must be in 0..<1000000000"`).
public struct WellKnownTypeError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The kind of problem.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Wrapped: String, Hashable, Sendable {
      case outOfRange = "out of range"
      case typeMismatch = "type mismatch"
      case invalidTypeURL = "invalid type URL"
      case malformedValue = "malformed value"
    }

    private let wrapped: Wrapped
    private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

    /// A timestamp outside 0001-01-01..9999-12-31, a duration beyond ±315,576,000,000 s, or nanos
    /// outside their range or of the wrong sign.
    public static let outOfRange = Code(.outOfRange)
    /// An `Any` unpacked as a message other than the one its type URL names.
    public static let typeMismatch = Code(.typeMismatch)
    /// An `Any` whose type URL has no `/` before the type name.
    public static let invalidTypeURL = Code(.invalidTypeURL)
    /// An `Any` whose value is not a valid encoding of the message its type URL names.
    public static let malformedValue = Code(.malformedValue)

    public var description: String { wrapped.rawValue }
  }

  public var code: Code
  /// The rule that was broken, with the values that broke it.
  public var message: String

  /// - Parameters:
  ///   - code: The kind of problem.
  ///   - message: The rule that was broken, with the values that broke it.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { "\(code): \(message)" }
}
