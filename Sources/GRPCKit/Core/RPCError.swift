/// A failed RPC: a non-OK status code, a message, and the trailing metadata the server sent.
///
/// Server handlers throw it to end a call with a specific status; any other error a handler
/// throws ends the call with ``Status/Code/unknown`` and becomes its ``cause``. Clients receive
/// it for every failure: a status from the server, a deadline, a cancellation or a broken
/// connection.
///
/// ```swift
/// throw RPCError(code: .notFound, message: "no room named \(name)")
/// ```
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The status code; never ``Status/Code/ok``.
  public var code: Status.Code
  /// A description of the failure that names the rule that was broken.
  public var message: String
  /// Trailing metadata sent with the status.
  public var metadata: Metadata
  /// The error this one stands for, if it was made from another: what a handler or an
  /// interceptor threw that was not an `RPCError`. It stays in this process (only the code, the
  /// message and the metadata go on the wire), and equality and hashing ignore it.
  public var cause: (any Error)?

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - code: The status code. `.ok` is replaced by `.unknown`, since OK is not a failure.
  ///   - message: What went wrong.
  ///   - metadata: Trailing metadata to send (server) or that was received (client).
  ///   - cause: The underlying error, if any.
  public init(code: Status.Code, message: String, metadata: Metadata = [:], cause: (any Error)? = nil) {
    self.code = code == .ok ? .unknown : code
    self.message = message
    self.metadata = metadata
    self.cause = cause
  }

  /// The status this error ends a call with.
  public var status: Status { Status(code: self.code, message: self.message) }

  public var description: String { "\(self.code): \(self.message)" }

  public static func == (lhs: RPCError, rhs: RPCError) -> Bool {
    lhs.code == rhs.code && lhs.message == rhs.message && lhs.metadata == rhs.metadata
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(self.code)
    hasher.combine(self.message)
    hasher.combine(self.metadata)
  }
}

extension RPCError {
  /// Maps an error thrown by user code to the error that ends the call: an `RPCError` stays as
  /// it is, an ``RPCErrorConvertible`` becomes its status (and the cause), a
  /// `CancellationError` is `CANCELLED`, and anything else is `UNKNOWN` with the error
  /// as its ``cause``, the message naming `thrower` and the error.
  ///
  /// - Parameters:
  ///   - error: What the user code threw.
  ///   - thrower: Who threw it, for the message: `"handler"` (the default), `"server
  ///     interceptor Auth"`.
  package init(wrapping error: any Error, thrownBy thrower: String = "handler") {
    switch error {
    case let error as RPCError:
      self = error
    case let error as any RPCErrorConvertible:
      self = RPCError(error)
    case is CancellationError:
      self = RPCError(code: .cancelled, message: "the call was cancelled", cause: error)
    default:
      self = RPCError(code: .unknown, message: "\(thrower) threw \(type(of: error)): \(error)", cause: error)
    }
  }
}
