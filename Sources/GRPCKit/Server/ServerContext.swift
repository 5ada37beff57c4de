import GRPCLocking
import struct Synchronization.Atomic

/// What a server handler knows about its call: the method, the peer, the deadline, the request
/// metadata and whether the call was cancelled; and where it sets response headers and trailers.
///
/// While a handler (or a server interceptor) runs, its context is also ``current``, so client
/// calls it makes inherit the call's deadline and cancellation (see
/// ``CallOptions/propagatesDeadline``).
public final class ServerContext: Sendable {
  /// The method being called.
  public let method: ProtobufMethodDescriptor
  /// The peer's address, for example `ipv4:127.0.0.1:53412`.
  public let peer: String
  /// When the client's deadline (`grpc-timeout`) expires; `nil` for no deadline. At the
  /// deadline the transport ends the call with `DEADLINE_EXCEEDED` and cancels the handler.
  public let deadline: ContinuousClock.Instant?
  /// The request headers, without the protocol's reserved ones. Server interceptors can hand
  /// the next one a context with other metadata (``replacingRequestMetadata(with:)``).
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
    var cancellationHandlers: [Int: @Sendable () -> Void] = [:]
    var nextCancellationHandler = 0
    var cancellationHandled = false
  }
  /// The call's response state; only the context the transport holds (the root) uses its own.
  let response = Mutex(Response())
  private let cancelled = Atomic<Bool>(false)
  /// The context this one was derived from by an interceptor; response headers, trailers and
  /// cancellation live there.
  private let root: ServerContext?
  /// The transport's sending side, told about ``responseCompression``.
  let outbound: (any ServerStreamOutbound)?

  /// Creates a context, for a transport or a test that runs a handler directly.
  ///
  /// - Parameters:
  ///   - method: The method being called.
  ///   - peer: The peer's address.
  ///   - deadline: When the call's deadline expires, if it has one.
  ///   - requestMetadata: The request headers.
  ///   - requestCompression: How the request messages are compressed.
  ///   - transportSecurity: The connection's TLS, `nil` for cleartext.
  public convenience init(
    method: ProtobufMethodDescriptor,
    peer: String,
    deadline: ContinuousClock.Instant?,
    requestMetadata: Metadata,
    requestCompression: CompressionAlgorithm = .identity,
    transportSecurity: TransportSecurity? = nil
  ) {
    self.init(
      method: method, peer: peer, deadline: deadline, requestMetadata: requestMetadata,
      requestCompression: requestCompression, transportSecurity: transportSecurity, outbound: nil, root: nil)
  }

  /// The context of a call of `method` on `stream`.
  package convenience init(method: ProtobufMethodDescriptor, stream: ServerStream) {
    self.init(
      method: method, peer: stream.peer, deadline: stream.deadline, requestMetadata: stream.metadata,
      requestCompression: stream.requestCompression, transportSecurity: stream.transportSecurity,
      outbound: stream.outbound, root: nil)
  }

  private init(
    method: ProtobufMethodDescriptor,
    peer: String,
    deadline: ContinuousClock.Instant?,
    requestMetadata: Metadata,
    requestCompression: CompressionAlgorithm,
    transportSecurity: TransportSecurity?,
    outbound: (any ServerStreamOutbound)?,
    root: ServerContext?
  ) {
    self.method = method
    self.peer = peer
    self.deadline = deadline
    self.requestMetadata = requestMetadata
    self.requestCompression = requestCompression
    self.transportSecurity = transportSecurity
    self.outbound = outbound
    self.root = root
  }

  /// The same call with other request metadata: what a server interceptor passes on when the
  /// handler should see changed metadata. Response headers, trailers, compression and
  /// cancellation stay shared with this context.
  ///
  /// ```swift
  /// var metadata = context.requestMetadata
  /// metadata.removeAll("authorization")
  /// metadata.add("user-id", user.id)
  /// try await next(requests, responses, context.replacingRequestMetadata(with: metadata))
  /// ```
  ///
  /// - Parameter metadata: The request metadata the next interceptor and the handler see.
  /// - Returns: A context for the same call.
  public func replacingRequestMetadata(with metadata: Metadata) -> ServerContext {
    ServerContext(
      method: self.method, peer: self.peer, deadline: self.deadline, requestMetadata: metadata,
      requestCompression: self.requestCompression, transportSecurity: self.transportSecurity,
      outbound: self.outbound, root: self.shared)
  }

  /// The context that holds the call's response state.
  var shared: ServerContext { self.root ?? self }

  /// True once the client cancelled, the deadline passed or the connection closed.
  public var isCancelled: Bool { self.shared.cancelled.load(ordering: .relaxed) }

  /// Adds response headers (initial metadata). They are sent with the first response message,
  /// or with the status if there is none; entries added after that are ignored.
  ///
  /// - Parameter metadata: Headers to add.
  public func addResponseHeaders(_ metadata: Metadata) {
    self.shared.response.withLock { state in
      if !state.headersSent { state.headers.add(contentsOf: metadata) }
    }
  }

  /// Adds trailers, sent with the call's status.
  ///
  /// - Parameter metadata: Trailers to add.
  public func addTrailers(_ metadata: Metadata) {
    self.shared.response.withLock { $0.trailers.add(contentsOf: metadata) }
  }

  /// Returns the response headers and marks them sent.
  package func takeResponseHeaders() -> Metadata {
    self.shared.response.withLock { state in
      state.headersSent = true
      return state.headers
    }
  }

  package var trailers: Metadata { self.shared.response.withLock { $0.trailers } }

  /// Marks the call cancelled and runs the cancellation handlers (client calls made from it).
  package func markCancelled() {
    let root = self.shared
    guard !root.cancelled.exchange(true, ordering: .relaxed) else { return }
    let handlers = root.response.withLock { state in
      state.cancellationHandled = true
      defer { state.cancellationHandlers = [:] }
      return state.cancellationHandlers
    }
    for handler in handlers.values { handler() }
  }

  /// Runs `handler` once the call is cancelled: at once if it already was.
  ///
  /// - Returns: The registration to pass to ``removeCancellationHandler(_:)``, or `nil` when
  ///   the handler already ran.
  package func addCancellationHandler(_ handler: @escaping @Sendable () -> Void) -> Int? {
    let id = self.shared.response.withLock { state -> Int? in
      guard !state.cancellationHandled else { return nil }
      state.nextCancellationHandler += 1
      state.cancellationHandlers[state.nextCancellationHandler] = handler
      return state.nextCancellationHandler
    }
    if id == nil { handler() }
    return id
  }

  /// Forgets a handler ``addCancellationHandler(_:)`` registered.
  package func removeCancellationHandler(_ id: Int) {
    _ = self.shared.response.withLock { $0.cancellationHandlers.removeValue(forKey: id) }
  }
}
