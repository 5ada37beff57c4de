/// A failed RPC: a non-OK status code, a message, and the trailing metadata the server sent.
///
/// Server handlers throw it to end a call with a specific status; any other error a handler
/// throws ends the call with ``Status/Code/unknown``. Clients receive it for every failure: a
/// status from the server, a deadline, a cancellation or a broken connection.
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

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - code: The status code. `.ok` is replaced by `.unknown`, since OK is not a failure.
  ///   - message: What went wrong.
  ///   - metadata: Trailing metadata to send (server) or that was received (client).
  public init(code: Status.Code, message: String, metadata: Metadata = [:]) {
    self.code = code == .ok ? .unknown : code
    self.message = message
    self.metadata = metadata
  }

  /// The status this error ends a call with.
  public var status: Status { Status(code: self.code, message: self.message) }

  public var description: String { "\(self.code): \(self.message)" }
}

extension RPCError {
  /// Maps any error thrown by user code to the error that ends the call.
  package init(wrapping error: any Error) {
    switch error {
    case let error as RPCError:
      self = error
    case is CancellationError:
      self = RPCError(code: .cancelled, message: "the call was cancelled")
    default:
      self = RPCError(code: .unknown, message: "handler threw \(type(of: error)): \(error)")
    }
  }
}
