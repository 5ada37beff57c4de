/// A failed RPC: a non-OK status code, a message, the trailing metadata the server sent, and
/// the rich error details (`google.rpc.Status.details`) it attached.
///
/// Server handlers throw it to end a call with a specific status; any other error a handler
/// throws ends the call with ``Status/Code/unknown`` and becomes its ``cause``. Clients receive
/// it for every failure: a status from the server, a deadline, a cancellation or a broken
/// connection.
///
/// ```swift
/// throw RPCError(code: .notFound, message: "no room named \(name)")
/// ```
///
/// Details travel in the `grpc-status-details-bin` trailer, as every gRPC implementation sends
/// them (grpc-go's `status.WithDetails`, grpcio's `rpc_status.to_status`):
///
/// ```swift
/// throw RPCError(
///   code: .resourceExhausted, message: "room lobby is full",
///   details: [
///     .errorInfo(Google_Rpc_ErrorInfo(reason: "ROOM_FULL", domain: "chat.example.com")),
///     .retryInfo(Google_Rpc_RetryInfo(retryDelay: Google_Protobuf_Duration(seconds: 5))),
///   ])
///
/// // On the client:
/// } catch let error as RPCError {
///   for case .retryInfo(let info) in error.details { retryAfter = info.retryDelay }
/// }
/// ```
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The status code; never ``Status/Code/ok``.
  public var code: Status.Code
  /// A description of the failure that names the rule that was broken.
  public var message: String
  /// Trailing metadata sent with the status. On the client it includes the
  /// `grpc-status-details-bin` entry the server sent, as received.
  public var metadata: Metadata
  /// The rich error details: the `details` of the `google.rpc.Status` the server sent in
  /// `grpc-status-details-bin` (a server sends them there when this is not empty). Empty when
  /// the server sent none, or sent one that does not decode or whose code is not this error's
  /// (see ``init(receivedStatus:trailers:)``).
  public var details: [ErrorDetail]
  /// The error this one stands for, if it was made from another: what a handler or an
  /// interceptor threw that was not an `RPCError`. It stays in this process (only the code, the
  /// message, the metadata and the details go on the wire), and equality and hashing ignore it.
  public var cause: (any Error)?

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - code: The status code. `.ok` is replaced by `.unknown`, since OK is not a failure.
  ///   - message: What went wrong.
  ///   - metadata: Trailing metadata to send (server) or that was received (client).
  ///   - details: Rich error details, sent in `grpc-status-details-bin`.
  ///   - cause: The underlying error, if any.
  public init(
    code: Status.Code,
    message: String,
    metadata: Metadata = [:],
    details: [ErrorDetail] = [],
    cause: (any Error)? = nil
  ) {
    self.code = code == .ok ? .unknown : code
    self.message = message
    self.metadata = metadata
    self.details = details
    self.cause = cause
  }

  /// The status this error ends a call with.
  public var status: Status { Status(code: self.code, message: self.message) }

  public var description: String { "\(self.code): \(self.message)" }

  public static func == (lhs: RPCError, rhs: RPCError) -> Bool {
    lhs.code == rhs.code && lhs.message == rhs.message && lhs.metadata == rhs.metadata
      && lhs.details == rhs.details
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(self.code)
    hasher.combine(self.message)
    hasher.combine(self.metadata)
    hasher.combine(self.details)
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
