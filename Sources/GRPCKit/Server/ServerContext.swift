import Synchronization

/// What a server handler knows about its call: the method, the peer, the deadline, the request
/// metadata and whether the call was cancelled; and where it sets response headers and trailers.
public final class ServerContext: Sendable {
  /// The method being called.
  public let method: ProtobufMethodDescriptor
  /// The peer's address, for example `ipv4:127.0.0.1:53412`.
  public let peer: String
  /// When the client's deadline (`grpc-timeout`) expires; `nil` for no deadline. At the
  /// deadline the transport ends the call with `DEADLINE_EXCEEDED` and cancels the handler.
  public let deadline: ContinuousClock.Instant?
  /// The request headers, without the protocol's reserved ones.
  public let requestMetadata: Metadata
  /// How the client compressed its request messages (its `grpc-encoding`); `.identity` when it
  /// did not.
  public let requestCompression: CompressionAlgorithm
  /// The connection's TLS: the negotiated protocol and, under mutual TLS, the client's verified
  /// certificate subject and alternative names; `nil` on a cleartext connection. Set before the
  /// call starts (the handshake is complete by then).
  public let transportSecurity: TransportSecurity?

  struct Response {
    var headers = Metadata()
    var trailers = Metadata()
    var headersSent = false
    var compression: CompressionAlgorithm?
    var compressionDecided = false
  }
  let response = Mutex(Response())
  private let cancelled = Atomic<Bool>(false)

  /// Creates a context; transports call this for every call.
  ///
  /// - Parameters:
  ///   - method: The method being called.
  ///   - peer: The peer's address.
  ///   - deadline: When the call's deadline expires, if it has one.
  ///   - requestMetadata: The request headers.
  ///   - transportSecurity: The connection's TLS, `nil` for cleartext.
  public init(
    method: ProtobufMethodDescriptor,
    peer: String,
    deadline: ContinuousClock.Instant?,
    requestMetadata: Metadata,
    requestCompression: CompressionAlgorithm = .identity,
    transportSecurity: TransportSecurity? = nil
  ) {
    self.method = method
    self.peer = peer
    self.deadline = deadline
    self.requestMetadata = requestMetadata
    self.requestCompression = requestCompression
    self.transportSecurity = transportSecurity
  }

  /// True once the client cancelled, the deadline passed or the connection closed.
  public var isCancelled: Bool { self.cancelled.load(ordering: .relaxed) }

  /// Adds response headers (initial metadata). They are sent with the first response message,
  /// or with the status if there is none; entries added after that are ignored.
  ///
  /// - Parameter metadata: Headers to add.
  public func addResponseHeaders(_ metadata: Metadata) {
    self.response.withLock { state in
      if !state.headersSent { state.headers.add(contentsOf: metadata) }
    }
  }

  /// Adds trailers, sent with the call's status.
  ///
  /// - Parameter metadata: Trailers to add.
  public func addTrailers(_ metadata: Metadata) {
    self.response.withLock { $0.trailers.add(contentsOf: metadata) }
  }

  /// Returns the response headers and marks them sent.
  package func takeResponseHeaders() -> Metadata {
    self.response.withLock { state in
      state.headersSent = true
      return state.headers
    }
  }

  package var trailers: Metadata { self.response.withLock { $0.trailers } }

  package func markCancelled() { self.cancelled.store(true, ordering: .relaxed) }
}
