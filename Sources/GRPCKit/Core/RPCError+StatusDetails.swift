/// How ``RPCError/details`` travel: a `google.rpc.Status` with the error's code, message and
/// details, serialized into the `grpc-status-details-bin` trailer (base64 on HTTP/2, as every
/// `-bin` value).
extension RPCError {
  /// The trailer that carries the serialized `google.rpc.Status`.
  package static let statusDetailsKey = "grpc-status-details-bin"

  /// The error's status as `google.rpc.Status`: its code, message and packed details.
  public var googleRPCStatus: Google_Rpc_Status {
    Google_Rpc_Status(
      code: Int32(self.code.rawValue),
      message: self.message,
      details: self.details.map(\.packed)
    )
  }

  /// `trailers` (the call's, then the error's metadata) with the error's details: when it has
  /// some, one `grpc-status-details-bin` entry replaces any the metadata set.
  ///
  /// - Parameter trailers: The trailers the call would send without details.
  /// - Returns: The trailers to send.
  package func trailersWithDetails(_ trailers: Metadata) -> Metadata {
    guard !self.details.isEmpty else { return trailers }
    var trailers = trailers
    trailers.removeAll(Self.statusDetailsKey)
    trailers.add(Self.statusDetailsKey, binary: self.googleRPCStatus.serializedBytes())
    return trailers
  }

  /// The error a client reports for a non-OK status from the server, with the details of its
  /// `grpc-status-details-bin` trailer, checked as grpc-go checks them:
  ///
  /// - no such trailer, or more than one: the status, without details;
  /// - a value that is not a `google.rpc.Status`: the status without details; the decoding
  ///   error is the ``cause`` (the value stays in ``metadata``);
  /// - a `google.rpc.Status` whose code is not `grpc-status`: `INTERNAL`, naming both codes
  ///   (the server contradicts itself, so neither is trusted);
  /// - otherwise the status with the details. The message is `grpc-message`'s, also when the
  ///   `google.rpc.Status` has another.
  ///
  /// - Parameters:
  ///   - status: The status from `grpc-status` and `grpc-message`; not OK.
  ///   - trailers: The trailing metadata, including `grpc-status-details-bin` if it was sent.
  package init(receivedStatus status: Status, trailers: Metadata) {
    let values = trailers[binaryValues: Self.statusDetailsKey]
    guard values.count == 1, let value = values.first else {
      self.init(code: status.code, message: status.message, metadata: trailers)
      return
    }
    let received: Google_Rpc_Status
    do {
      received = try Google_Rpc_Status(serializedBytes: value)
    } catch {
      self.init(code: status.code, message: status.message, metadata: trailers, cause: error)
      return
    }
    guard received.code == Int32(status.code.rawValue) else {
      let named = Status.Code(rawValue: Int(received.code)).map { "\($0) (\(received.code))" }
      self.init(
        code: .internal,
        message:
          "grpc-status-details-bin has code \(named ?? String(received.code)) but grpc-status is "
          + "\(status.code) (\(status.code.rawValue)); grpc-message: \(status.message)",
        metadata: trailers
      )
      return
    }
    self.init(
      code: status.code,
      message: status.message,
      metadata: trailers,
      details: received.errorDetails
    )
  }
}
