import GRPCKit

/// The request header block of a client call.
enum ClientRequestHeaders {
  /// Builds the headers of a call to `path` on the server named `authority`.
  static func make(
    path: String,
    authority: String,
    options: CallOptions,
    configuration: NGHTTP2ClientConfiguration
  ) -> [HTTP2HeaderField] {
    var fields: [GRPCHeaders.Field] = [
      (":method", "POST"), (":scheme", configuration.tls == nil ? "http" : "https"), (":path", path),
      (":authority", authority),
      ("content-type", "application/grpc"), ("te", "trailers"),
      ("user-agent", configuration.userAgent),
    ]
    if let timeout = options.timeout { fields.append(("grpc-timeout", GRPCTimeout.encode(timeout))) }
    if let compression = options.compression, compression != .identity {
      fields.append(("grpc-encoding", compression.name))
    }
    fields.append(("grpc-accept-encoding", CompressionAlgorithm.acceptEncoding(configuration.enabledCompression)))
    GRPCHeaders.fields(from: options.metadata, into: &fields)
    GRPCHeaders.retryFields(from: options.metadata, into: &fields)
    return fields.map(HTTP2HeaderField.init)
  }
}
