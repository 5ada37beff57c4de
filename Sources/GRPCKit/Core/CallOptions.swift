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
  /// The largest request message sent; `nil` uses the transport's limit (unlimited by default).
  /// A larger message fails the call with `RESOURCE_EXHAUSTED` naming both sizes, and is not
  /// sent.
  public var maximumSendMessageSize: Int?
  /// How request messages are compressed (`grpc-encoding`); `nil` or `.identity` sends them
  /// uncompressed. Single messages can opt out with `RequestWriter.write(_:compress:)`.
  /// Responses are accepted in the encodings the transport enables, whatever this says.
  public var compression: CompressionAlgorithm?
  /// Wait-for-ready: when no connection to the server is ready, the call waits (up to its
  /// timeout) for one instead of failing at once with `UNAVAILABLE`. A service config's
  /// `waitForReady: true` turns it on for the methods it names when this is `false`.
  public var waitForReady: Bool
  /// Deadline propagation: a call made while a server handler runs (``ServerContext/current``
  /// is set: in the handler's task, its child tasks, and `Task {}` it creates) takes the server
  /// call's remaining time when that is shorter than ``timeout`` (sent as `grpc-timeout`), and is
  /// cancelled when the server call is cancelled (the client cancelled it, its deadline passed,
  /// its connection closed). On by default; `false` makes the call independent of the server
  /// call (cancelling the calling task still cancels it).
  public var propagatesDeadline: Bool

  /// Creates options.
  ///
  /// - Parameters:
  ///   - timeout: The deadline, relative to the start of the call.
  ///   - metadata: Request metadata.
  ///   - maximumReceiveMessageSize: A per-call response size limit.
  ///   - maximumSendMessageSize: A per-call request size limit.
  ///   - compression: How request messages are compressed.
  ///   - waitForReady: Wait for a ready connection instead of failing fast.
  ///   - propagatesDeadline: Take the deadline and cancellation of the server call this call is
  ///     made from, if any.
  public init(
    timeout: Duration? = nil,
    metadata: Metadata = [:],
    maximumReceiveMessageSize: Int? = nil,
    maximumSendMessageSize: Int? = nil,
    compression: CompressionAlgorithm? = nil,
    waitForReady: Bool = false,
    propagatesDeadline: Bool = true
  ) {
    self.timeout = timeout
    self.metadata = metadata
    self.maximumReceiveMessageSize = maximumReceiveMessageSize
    self.maximumSendMessageSize = maximumSendMessageSize
    self.compression = compression
    self.waitForReady = waitForReady
    self.propagatesDeadline = propagatesDeadline
  }
}
