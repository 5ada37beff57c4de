/// One argument of a ``RedisCommand``: bytes, sent as they are (binary-safe).
///
/// ```swift
/// let command = RedisCommand("SET", ["greeting", RedisArgument([0x00, 0xff]), "EX", RedisArgument(60)])
/// ```
public struct RedisArgument: Sendable, Hashable, ExpressibleByStringLiteral {
  /// The bytes sent.
  public var bytes: [UInt8]

  /// The UTF-8 bytes of `string`.
  ///
  /// - Parameter string: The text.
  public init(_ string: String) {
    self.bytes = Array(string.utf8)
  }

  /// The decimal digits of `integer`, as Redis expects numbers.
  ///
  /// - Parameter integer: The number.
  public init(_ integer: Int) {
    self.bytes = Array(String(integer).utf8)
  }

  /// Bytes as they are.
  ///
  /// - Parameter bytes: The bytes.
  public init(_ bytes: [UInt8]) {
    self.bytes = bytes
  }

  public init(stringLiteral value: String) {
    self.init(value)
  }
}
