import GRPCKit

/// An interop test case's assertion that did not hold; the message names the call and the
/// rule, for example `UnaryCall: the response payload is 0 bytes; expected 314159`.
public struct InteropFailure: Error, Sendable, Hashable, CustomStringConvertible {
  /// What failed.
  public var message: String

  /// Creates a failure.
  ///
  /// - Parameter message: The call and the assertion that failed.
  public init(_ message: String) {
    self.message = message
  }

  public var description: String { self.message }

  /// Fails with `message` unless `condition` holds.
  static func check(_ condition: Bool, _ message: @autoclosure () -> String) throws(InteropFailure) {
    if !condition { throw InteropFailure(message()) }
  }

  /// Runs `call`, which must fail with `code`; any other outcome is a failure naming `what`.
  ///
  /// - Returns: The error the call failed with.
  @discardableResult
  static func expectError(
    _ code: Status.Code,
    _ what: String,
    _ call: () async throws -> Void
  ) async throws -> RPCError {
    do {
      try await call()
    } catch let error as RPCError {
      try Self.check(error.code == code, "\(what): the call failed with \(error); expected \(code)")
      return error
    }
    throw InteropFailure("\(what): the call succeeded; expected \(code)")
  }
}
