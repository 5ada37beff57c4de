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

  /// Creates options.
  ///
  /// - Parameters:
  ///   - timeout: The deadline, relative to the start of the call.
  ///   - metadata: Request metadata.
  ///   - maximumReceiveMessageSize: A per-call response size limit.
  public init(timeout: Duration? = nil, metadata: Metadata = [:], maximumReceiveMessageSize: Int? = nil) {
    self.timeout = timeout
    self.metadata = metadata
    self.maximumReceiveMessageSize = maximumReceiveMessageSize
  }
}
