/// A command to send: its name and arguments.
///
/// ```swift
/// let reply = try await client.send(RedisCommand("GET", ["greeting"]))
/// ```
public struct RedisCommand: Sendable, Hashable {
  /// The command's name, such as `GET` (also used in error messages).
  public var name: String
  /// Its arguments, after the name.
  public var arguments: [RedisArgument]

  /// Creates a command.
  ///
  /// - Parameters:
  ///   - name: The command's name, such as `"SET"`.
  ///   - arguments: Its arguments.
  public init(_ name: String, _ arguments: [RedisArgument] = []) {
    self.name = name
    self.arguments = arguments
  }
}
