/// Why a ``RedisConfiguration`` could not be made from a URL; the message names the rule the
/// URL breaks, for example `"redis URL port 70000 is not in 1...65535"`.
public struct RedisConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The rule the URL breaks.
  public var message: String

  /// Creates an error.
  ///
  /// - Parameter message: The rule the URL breaks.
  public init(_ message: String) {
    self.message = message
  }

  public var description: String { self.message }
}
