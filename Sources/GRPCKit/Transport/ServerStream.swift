/// What a transport knows about an incoming stream that passed its own checks, handed to the
/// ``ServerStreamHandler``.
public struct ServerStream: Sendable {
  /// The requested path, `/package.Service/Method`.
  public var path: String
  /// The request headers, without the protocol's reserved ones.
  public var metadata: Metadata
  /// The peer's address, for example `ipv4:127.0.0.1:53412`.
  public var peer: String
  /// When the client's deadline (`grpc-timeout`) expires; `nil` for none. The transport
  /// enforces it: at the deadline it ends the call with `DEADLINE_EXCEEDED`.
  public var deadline: ContinuousClock.Instant?
  /// How the client compresses its request messages (`grpc-encoding`).
  public var requestCompression: CompressionAlgorithm
  /// The connection's TLS, `nil` on a cleartext connection.
  public var transportSecurity: TransportSecurity?
  /// The sending side of the stream.
  public var outbound: any ServerStreamOutbound

  /// Describes a stream.
  ///
  /// - Parameters:
  ///   - path: The requested path.
  ///   - metadata: The request headers.
  ///   - peer: The peer's address.
  ///   - deadline: The call's deadline, if it has one.
  ///   - requestCompression: The request messages' encoding.
  ///   - transportSecurity: The connection's TLS, if any.
  ///   - outbound: The stream's sending side.
  public init(
    path: String,
    metadata: Metadata,
    peer: String,
    deadline: ContinuousClock.Instant? = nil,
    requestCompression: CompressionAlgorithm = .identity,
    transportSecurity: TransportSecurity? = nil,
    outbound: any ServerStreamOutbound
  ) {
    self.path = path
    self.metadata = metadata
    self.peer = peer
    self.deadline = deadline
    self.requestCompression = requestCompression
    self.transportSecurity = transportSecurity
    self.outbound = outbound
  }
}
