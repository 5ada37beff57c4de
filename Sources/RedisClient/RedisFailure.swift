/// A failure before it is tied to a command: its code and what happened, such as
/// `connection refused`. ``error(address:command:)`` makes the ``RedisError`` a caller sees.
package struct RedisFailure: Error, Sendable, Hashable {
  package var code: RedisError.Code
  package var detail: String
  package var serverMessage: String?

  package init(_ code: RedisError.Code, _ detail: String, serverMessage: String? = nil) {
    self.code = code
    self.detail = detail
    self.serverMessage = serverMessage
  }

  /// The error for `command` on the server at `address`: `redis ADDRESS: COMMAND: DETAIL`.
  package func error(address: String, command: String) -> RedisError {
    RedisError(
      code: self.code,
      message: "redis \(address): \(command): \(self.detail)",
      serverMessage: self.serverMessage
    )
  }
}
