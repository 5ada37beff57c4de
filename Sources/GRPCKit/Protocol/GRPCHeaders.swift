/// The header rules of the gRPC-over-HTTP/2 specification that both transports apply.
package enum GRPCHeaders {
  package typealias Field = (name: String, value: String)

  /// True for `application/grpc` and `application/grpc+<codec>` / `application/grpc;<params>`.
  package static func isGRPCContentType(_ value: String) -> Bool {
    let lowered = value.lowercased()
    guard lowered.hasPrefix("application/grpc") else { return false }
    let rest = lowered.dropFirst("application/grpc".count)
    return rest.isEmpty || rest.first == "+" || rest.first == ";"
  }

  /// Headers that carry protocol state and never surface as user metadata. The one `grpc-*`
  /// exception is `grpc-status-details-bin`: it passes both ways, as in grpc-go, so a client sees
  /// the rich status a server sent (``RPCError/details`` decodes it) and a server can send one
  /// it built itself.
  package static func isReserved(_ name: String) -> Bool {
    if name.hasPrefix(":") { return true }
    if name.hasPrefix("grpc-") { return name != RPCError.statusDetailsKey }
    switch name {
    case "content-type", "te", "user-agent", "content-length", "connection", "host",
      "accept-encoding", "transfer-encoding":
      return true
    default:
      return false
    }
  }

  /// Converts received header fields to metadata, decoding `-bin` values (invalid base64 values
  /// are dropped) and skipping reserved headers.
  package static func metadata(from fields: some Sequence<Field>) -> Metadata {
    var metadata = Metadata()
    for field in fields where !isReserved(field.name) {
      if field.name.hasSuffix("-bin") {
        // A peer may send several values joined by commas.
        for part in field.value.split(separator: ",", omittingEmptySubsequences: false) {
          if let bytes = Base64.decode(part.trimmingSpaces()) {
            metadata.add(field.name, binary: bytes)
          }
        }
      } else {
        metadata.add(field.name, field.value)
      }
    }
    return metadata
  }

  /// Converts metadata to header fields, base64-encoding `-bin` values and dropping reserved
  /// keys that user code must not set.
  package static func fields(from metadata: Metadata, into fields: inout [Field]) {
    for entry in metadata where !isReserved(entry.key) {
      switch entry.value {
      case .string(let value): fields.append((entry.key, value))
      case .binary(let bytes): fields.append((entry.key, Base64.encode(bytes)))
      }
    }
  }

  /// The status a client reports for an HTTP response without `grpc-status`, from the table in
  /// the gRPC specification (`doc/http-grpc-status-mapping.md`).
  package static func statusCode(forHTTPStatus status: Int) -> Status.Code {
    switch status {
    case 400: return .internal
    case 401: return .unauthenticated
    case 403: return .permissionDenied
    case 404: return .unimplemented
    case 429, 502, 503, 504: return .unavailable
    default: return .unknown
    }
  }

  /// Parses `grpc-status`; unknown numbers become UNKNOWN.
  package static func statusCode(_ value: String) -> Status.Code {
    guard let raw = Int(value), let code = Status.Code(rawValue: raw) else { return .unknown }
    return code
  }
}

extension Substring {
  fileprivate func trimmingSpaces() -> String {
    var slice = self[...]
    while slice.first == " " { slice = slice.dropFirst() }
    while slice.last == " " { slice = slice.dropLast() }
    return String(slice)
  }
}
