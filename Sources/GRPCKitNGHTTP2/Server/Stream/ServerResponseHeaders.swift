import GRPCKit

/// The header blocks of a server response, built in one place: the headers before the first
/// message, the trailers after the last, and a trailers-only response (both in one block, for a
/// call that ends without messages or never reaches a handler).
enum ServerResponseHeaders {
  /// The headers that start a response with messages.
  ///
  /// - Parameters:
  ///   - encoding: The response messages' encoding.
  ///   - acceptEncoding: The server's `grpc-accept-encoding`.
  ///   - metadata: The handler's response headers.
  static func headers(encoding: CompressionAlgorithm, acceptEncoding: String, metadata: Metadata) -> [HTTP2HeaderField] {
    var fields: [GRPCHeaders.Field] = []
    Self.appendStart(httpStatus: 200, encoding: encoding, acceptEncoding: acceptEncoding, metadata: metadata, to: &fields)
    return fields.map(HTTP2HeaderField.init)
  }

  /// The trailers that end a response with messages.
  ///
  /// - Parameters:
  ///   - status: The call's status.
  ///   - trailers: The call's trailing metadata.
  static func trailers(status: Status, trailers: Metadata) -> [HTTP2HeaderField] {
    var fields: [GRPCHeaders.Field] = []
    Self.appendStatus(status, trailers: trailers, to: &fields)
    return fields.map(HTTP2HeaderField.init)
  }

  /// A response without messages: headers and status in one block, ending the stream.
  ///
  /// - Parameters:
  ///   - httpStatus: 200 for a gRPC status; 405 or 415 for a request that is not gRPC.
  ///   - acceptEncoding: The server's `grpc-accept-encoding`; `nil` leaves it out.
  ///   - metadata: The handler's response headers.
  ///   - status: The call's status.
  ///   - trailers: The call's trailing metadata.
  static func trailersOnly(
    httpStatus: Int = 200,
    acceptEncoding: String?,
    metadata: Metadata = [:],
    status: Status,
    trailers: Metadata = [:]
  ) -> [HTTP2HeaderField] {
    var fields: [GRPCHeaders.Field] = []
    Self.appendStart(
      httpStatus: httpStatus, encoding: .identity, acceptEncoding: acceptEncoding, metadata: metadata, to: &fields)
    Self.appendStatus(status, trailers: trailers, to: &fields)
    return fields.map(HTTP2HeaderField.init)
  }

  private static func appendStart(
    httpStatus: Int,
    encoding: CompressionAlgorithm,
    acceptEncoding: String?,
    metadata: Metadata,
    to fields: inout [GRPCHeaders.Field]
  ) {
    fields.append((":status", httpStatus == 200 ? "200" : String(httpStatus)))
    fields.append(("content-type", "application/grpc"))
    if encoding != .identity { fields.append(("grpc-encoding", encoding.name)) }
    if let acceptEncoding { fields.append(("grpc-accept-encoding", acceptEncoding)) }
    GRPCHeaders.fields(from: metadata, into: &fields)
  }

  private static func appendStatus(_ status: Status, trailers: Metadata, to fields: inout [GRPCHeaders.Field]) {
    fields.append(("grpc-status", String(status.code.rawValue)))
    if !status.message.isEmpty { fields.append(("grpc-message", StatusMessageEncoding.encode(status.message))) }
    GRPCHeaders.fields(from: trailers, into: &fields)
    GRPCHeaders.retryFields(from: trailers, into: &fields)
  }
}
