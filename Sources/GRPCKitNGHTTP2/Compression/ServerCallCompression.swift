package import GRPCKit

/// The compression of one server call, negotiated from its request headers and the server's
/// configuration: how requests arrive, and what responses may be compressed with.
package struct ServerCallCompression: Equatable {
  /// The request messages' encoding (`grpc-encoding`).
  package let requestEncoding: CompressionAlgorithm
  /// Algorithms the client accepts (`grpc-accept-encoding`) that the server has enabled.
  package let acceptedByClient: [CompressionAlgorithm]
  /// The response encoding the server's policy picks, before a handler's override.
  package let policyResponseEncoding: CompressionAlgorithm

  /// Negotiates a call.
  ///
  /// - Parameters:
  ///   - encoding: The request's `grpc-encoding`, if any.
  ///   - acceptEncoding: The request's `grpc-accept-encoding`, if any.
  ///   - enabled: The algorithms the server has enabled.
  ///   - policy: The server's response compression policy.
  /// - Throws: ``RPCError`` with `UNIMPLEMENTED` for a request encoding that is unknown or not
  ///   enabled, naming it and the supported ones.
  package init(
    encoding: String?,
    acceptEncoding: String?,
    enabled: [CompressionAlgorithm],
    policy: NGHTTP2ServerConfiguration.ResponseCompression
  ) throws(RPCError) {
    let requestEncoding: CompressionAlgorithm
    if let encoding, encoding != CompressionAlgorithm.identity.name {
      guard let algorithm = CompressionAlgorithm(named: encoding), enabled.contains(algorithm)
      else {
        throw RPCError(
          code: .unimplemented,
          message: "grpc-encoding '\(encoding)' is not supported; supported: "
            + CompressionAlgorithm.acceptEncoding(enabled).replacing(",", with: ", ")
        )
      }
      requestEncoding = algorithm
    } else {
      requestEncoding = .identity
    }
    self.requestEncoding = requestEncoding
    let accepted = CompressionAlgorithm.parseAcceptEncoding(acceptEncoding)
    self.acceptedByClient = enabled.filter { accepted.contains($0) }
    switch policy {
    case .disabled:
      self.policyResponseEncoding = .identity
    case .matchRequest:
      self.policyResponseEncoding =
        self.acceptedByClient.contains(requestEncoding) ? requestEncoding : .identity
    case .always(let algorithm):
      self.policyResponseEncoding =
        self.acceptedByClient.contains(algorithm) ? algorithm : .identity
    }
  }

  /// True when no response of this call can be compressed, whatever the handler asks for.
  package var responsesNeverCompressed: Bool { self.acceptedByClient.isEmpty }

  /// The response encoding, given the handler's override (``ServerContext/responseCompression``):
  /// the override if the client accepts it, identity if it does not, the policy's choice without
  /// one.
  package func responseEncoding(override: CompressionAlgorithm?) -> CompressionAlgorithm {
    guard let override else { return self.policyResponseEncoding }
    return self.acceptedByClient.contains(override) ? override : .identity
  }
}
