/// The outcome of an RPC: a gRPC status code and a human-readable message.
///
/// A call that succeeded ends with ``Code/ok``; every other code is a failure, surfaced to callers
/// as an ``RPCError``.
public struct Status: Sendable, Hashable, CustomStringConvertible {
  /// The status code.
  public var code: Code
  /// A description for developers; empty when there is nothing to add to the code.
  public var message: String

  /// Creates a status.
  ///
  /// - Parameters:
  ///   - code: The status code.
  ///   - message: A description of the outcome.
  public init(code: Code, message: String = "") {
    self.code = code
    self.message = message
  }

  /// A successful status with no message.
  public static let ok = Status(code: .ok)

  public var description: String {
    self.message.isEmpty ? "\(self.code)" : "\(self.code): \(self.message)"
  }
}

extension Status {
  /// A gRPC status code, as listed in the gRPC specification (`doc/statuscodes.md`).
  ///
  /// Codes outside 0...16 received from a peer are mapped to ``unknown``.
  public struct Code: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// The code's number on the wire (`grpc-status`).
    public let rawValue: Int

    /// Creates a code from its wire value, or returns `nil` if the value is not a known code.
    ///
    /// - Parameter rawValue: A value between 0 and 16.
    public init?(rawValue: Int) {
      guard (0...16).contains(rawValue) else { return nil }
      self.rawValue = rawValue
    }

    private init(_ rawValue: Int) { self.rawValue = rawValue }

    public static let ok = Code(0)
    public static let cancelled = Code(1)
    public static let unknown = Code(2)
    public static let invalidArgument = Code(3)
    public static let deadlineExceeded = Code(4)
    public static let notFound = Code(5)
    public static let alreadyExists = Code(6)
    public static let permissionDenied = Code(7)
    public static let resourceExhausted = Code(8)
    public static let failedPrecondition = Code(9)
    public static let aborted = Code(10)
    public static let outOfRange = Code(11)
    public static let unimplemented = Code(12)
    public static let `internal` = Code(13)
    public static let unavailable = Code(14)
    public static let dataLoss = Code(15)
    public static let unauthenticated = Code(16)

    private static let names = [
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
      "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    /// The code's canonical name, for example `NOT_FOUND`.
    public var name: String { Self.names[self.rawValue] }

    public var description: String { self.name }

    public static func < (lhs: Code, rhs: Code) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Every code, in wire order.
    public static let allCodes: [Code] = (0...16).map { Code($0) }
  }
}
