extension GRPCHeaders {
  /// Sent by a client on every attempt after the first: how many attempts preceded it (gRFC A6).
  package static let previousRPCAttempts = "grpc-previous-rpc-attempts"
  /// Sent by a server in the trailers: how long the client should wait before retrying, in
  /// milliseconds; a negative or malformed value tells it not to retry (gRFC A6).
  package static let retryPushback = "grpc-retry-pushback-ms"

  /// The `grpc-` headers of gRFC A6 that applications see and set as metadata, as in grpc-go
  /// (they are not among its reserved headers), although every other `grpc-` key is reserved.
  private static let retryKeys: Set<String> = [previousRPCAttempts, retryPushback]

  /// Adds the retry headers among `fields` to `metadata`.
  package static func addRetryMetadata(
    from fields: some Sequence<Field>,
    to metadata: inout Metadata
  ) {
    for field in fields where Self.retryKeys.contains(field.name) {
      metadata.add(field.name, field.value)
    }
  }

  /// Appends the retry entries of `metadata` to `fields` (the others go through
  /// ``fields(from:into:)``, which drops every `grpc-` key).
  package static func retryFields(from metadata: Metadata, into fields: inout [Field]) {
    for entry in metadata where Self.retryKeys.contains(entry.key) {
      if case .string(let value) = entry.value { fields.append((entry.key, value)) }
    }
  }
}
