/// Per-call settings for a client call.
///
/// ```swift
/// let options = CallOptions(timeout: .seconds(2), metadata: ["chat-room": "ops"])
/// ```
public struct CallOptions: Sendable, Hashable {
  /// How long the call may take, from the moment it starts; sent as `grpc-timeout`. On expiry
  /// the client cancels the stream and the call fails with `DEADLINE_EXCEEDED`.
  public var timeout: Duration?
  /// Request metadata sent as headers.
  public var metadata: Metadata
  /// The largest response message accepted; `nil` uses the transport's limit (4 MiB default).
  public var maximumReceiveMessageSize: Int?
  /// How request messages are compressed (`grpc-encoding`); `nil` or `.identity` sends them
  /// uncompressed. Single messages can opt out with `RequestWriter.write(_:compress:)`.
  /// Responses are accepted in the encodings the transport enables, whatever this says.
  public var compression: CompressionAlgorithm?
  /// Wait-for-ready: when no connection to the server is ready, the call waits (up to its
  /// timeout) for one instead of failing at once with `UNAVAILABLE`.
  public var waitForReady: Bool

  /// Creates options.
  ///
  /// - Parameters:
  ///   - timeout: The deadline, relative to the start of the call.
  ///   - metadata: Request metadata.
  ///   - maximumReceiveMessageSize: A per-call response size limit.
  ///   - compression: How request messages are compressed.
  ///   - waitForReady: Wait for a ready connection instead of failing fast.
  public init(
    timeout: Duration? = nil,
    metadata: Metadata = [:],
    maximumReceiveMessageSize: Int? = nil,
    compression: CompressionAlgorithm? = nil,
    waitForReady: Bool = false
  ) {
    self.timeout = timeout
    self.metadata = metadata
    self.maximumReceiveMessageSize = maximumReceiveMessageSize
    self.compression = compression
    self.waitForReady = waitForReady
  }
}
