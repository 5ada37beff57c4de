/// An error that knows the status it ends a call with: a handler (or server interceptor) that
/// throws one ends the call with its code, message and metadata instead of `UNKNOWN`, and the
/// resulting ``RPCError`` keeps it as its ``RPCError/cause``.
///
/// ```swift
/// enum RoomError: Error, RPCErrorConvertible {
///   case full(limit: Int)
///
///   var rpcErrorCode: Status.Code { .resourceExhausted }
///   var rpcErrorMessage: String {
///     switch self { case .full(let limit): "the room is full (\(limit) members)" }
///   }
///   var rpcErrorMetadata: Metadata {
///     switch self { case .full(let limit): ["room-limit": .string("\(limit)")] }
///   }
/// }
/// ```
public protocol RPCErrorConvertible: Error {
  /// The status code; ``Status/Code/ok`` becomes `UNKNOWN`, since OK is not a failure.
  var rpcErrorCode: Status.Code { get }
  /// The status message.
  var rpcErrorMessage: String { get }
  /// Trailing metadata to send with the status; none by default.
  var rpcErrorMetadata: Metadata { get }
}

extension RPCErrorConvertible {
  public var rpcErrorMetadata: Metadata { [:] }
}

extension RPCError {
  /// The error `convertible` stands for, with it as the ``cause``.
  ///
  /// - Parameter convertible: A domain error.
  public init(_ convertible: some RPCErrorConvertible) {
    self.init(
      code: convertible.rpcErrorCode,
      message: convertible.rpcErrorMessage,
      metadata: convertible.rpcErrorMetadata,
      cause: convertible
    )
  }
}
