/// Why a Redis operation failed.
///
/// The ``code`` says what kind of failure it was; ``message`` says it in words and always names
/// the server's address and the command, for example
/// `"redis 127.0.0.1:6379: EVALSHA: connection refused"`. For an error reply of the server
/// (``Code/serverError``) ``serverMessage`` holds the reply's text, such as
/// `"NOSCRIPT No matching script. Please use EVAL."`.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The kind of failure. New codes may be added.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Wrapped: String, Hashable, Sendable {
      case connectionFailed = "connection failed"
      case connectionClosed = "connection closed"
      case timeout = "timeout"
      case authenticationFailed = "authentication failed"
      case serverError = "server error"
      case protocolError = "protocol error"
      case replyTooLarge = "reply too large"
      case shutdown = "shut down"
    }

    private let wrapped: Wrapped
    private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

    /// No connection could be made (refused, unreachable, connect timeout, TLS handshake), or
    /// the client is waiting out its backoff after such a failure.
    public static let connectionFailed = Code(.connectionFailed)
    /// The connection closed (or was closed) before the reply came.
    public static let connectionClosed = Code(.connectionClosed)
    /// The reply did not come within the command timeout.
    public static let timeout = Code(.timeout)
    /// `AUTH` or `SELECT`, sent on every new connection, failed.
    public static let authenticationFailed = Code(.authenticationFailed)
    /// The server answered with an error reply; see ``RedisError/serverMessage``.
    public static let serverError = Code(.serverError)
    /// The server sent bytes that are not a valid reply, or an unexpected reply.
    public static let protocolError = Code(.protocolError)
    /// A reply exceeded ``RedisConfiguration/maximumReplyBytes`` or
    /// ``RedisConfiguration/maximumElements``.
    public static let replyTooLarge = Code(.replyTooLarge)
    /// The client or subscriber was closed.
    public static let shutdown = Code(.shutdown)

    public var description: String { self.wrapped.rawValue }
  }

  /// The kind of failure.
  public var code: Code
  /// What went wrong, naming the server's address and the command.
  public var message: String
  /// The text of the server's error reply (``Code/serverError``), without the leading `-`.
  public var serverMessage: String?

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - code: The kind of failure.
  ///   - message: What went wrong; name the address and the command.
  ///   - serverMessage: The server's error reply, for ``Code/serverError``.
  public init(code: Code, message: String, serverMessage: String? = nil) {
    self.code = code
    self.message = message
    self.serverMessage = serverMessage
  }

  public var description: String { "RedisError(\(self.code)): \(self.message)" }
}
