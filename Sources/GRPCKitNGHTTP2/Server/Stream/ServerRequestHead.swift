import GRPCKit

/// A request stream's first header block, checked against gRPC's HTTP/2 rules: `POST`, a gRPC
/// `content-type`, a supported `grpc-encoding`, and a well-formed `grpc-timeout`.
///
/// A request that breaks one of them never reaches a handler; ``Rejection`` says how it is
/// answered.
struct ServerRequestHead {
  /// How a request that breaks a rule is answered.
  enum Rejection: Error, Equatable {
    /// Not a gRPC request at all: an HTTP error status (405, 415) and `grpc-status` INTERNAL
    /// naming the rule, as gRPC C-core and grpc-go answer.
    case httpStatus(Int, message: String)
    /// A gRPC request the server cannot take: a trailers-only response with this status.
    case status(RPCError)

    /// The trailers-only response that answers it.
    func responseHeaders(acceptEncoding: String) -> [HTTP2HeaderField] {
      switch self {
      case .httpStatus(let code, let message):
        ServerResponseHeaders.trailersOnly(
          httpStatus: code, acceptEncoding: nil, status: Status(code: .internal, message: message))
      case .status(let error):
        ServerResponseHeaders.trailersOnly(
          acceptEncoding: acceptEncoding, status: error.status, trailers: error.metadata)
      }
    }
  }

  /// `:path`, such as `/chat.v1.ChatService/ChatStream`.
  let path: String
  /// Every field that is not reserved by HTTP/2 or gRPC, with the retry attempt count.
  let metadata: Metadata
  let compression: ServerCallCompression
  /// The `grpc-timeout` value as sent and what it means, if the request has one.
  let timeout: (header: String, duration: Duration)?

  /// Checks `fields` and keeps what the call needs.
  ///
  /// - Parameters:
  ///   - fields: The request's first header block.
  ///   - enabledCompression: The algorithms the server accepts and may respond with.
  ///   - responseCompression: The server's response compression policy.
  static func parse(
    _ fields: [HTTP2HeaderField],
    enabledCompression: [CompressionAlgorithm],
    responseCompression: NGHTTP2ServerConfiguration.ResponseCompression
  ) -> Result<ServerRequestHead, Rejection> {
    var method = ""
    var path = ""
    var contentType: String?
    var timeout: String?
    var encoding: String?
    var acceptEncoding: String?
    for field in fields {
      switch field.name {
      case ":method": method = field.value
      case ":path": path = field.value
      case "content-type": contentType = field.value
      case "grpc-timeout": timeout = field.value
      case "grpc-encoding": encoding = field.value
      case "grpc-accept-encoding": acceptEncoding = field.value
      default: break
      }
    }
    guard method == "POST" else {
      return .failure(.httpStatus(405, message: "gRPC requires POST; got \(method)"))
    }
    guard let contentType, GRPCHeaders.isGRPCContentType(contentType) else {
      return .failure(
        .httpStatus(415, message: "content-type '\(contentType ?? "")' is not application/grpc"))
    }
    let compression: ServerCallCompression
    do {
      compression = try ServerCallCompression(
        encoding: encoding, acceptEncoding: acceptEncoding, enabled: enabledCompression,
        policy: responseCompression)
    } catch {
      return .failure(.status(error))
    }
    var parsedTimeout: (header: String, duration: Duration)?
    if let timeout {
      guard let duration = GRPCTimeout.parse(timeout) else {
        return .failure(
          .status(
            RPCError(
              code: .internal,
              message: "grpc-timeout '\(timeout)' is not 1-8 digits and a unit (H M S m u n)")))
      }
      parsedTimeout = (timeout, duration)
    }
    var metadata = GRPCHeaders.metadata(from: fields.lazy.map { ($0.name, $0.value) })
    GRPCHeaders.addRetryMetadata(from: fields.lazy.map { ($0.name, $0.value) }, to: &metadata)
    return .success(
      ServerRequestHead(
        path: path, metadata: metadata, compression: compression, timeout: parsedTimeout))
  }
}
