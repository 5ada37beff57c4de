/// How an inbound message stream ends, as reported by a transport.
public enum InboundEnd: Sendable, Hashable {
  /// The peer half-closed: a server saw the client's END_STREAM.
  case endOfStream
  /// The server's status and trailers arrived (client side).
  case status(Status, trailers: Metadata)
  /// The stream failed: reset, deadline, connection loss, a protocol violation.
  case failure(RPCError)
}

/// Lets a consumer that fell behind ask the transport to resume granting flow-control credit.
public protocol InboundFlowControl: Sendable {
  /// Called once after ``InboundMessageSink/receive(_:flowControl:)`` returned `false`, when
  /// the consumer has caught up.
  func resumeInbound()
}

/// Where a transport delivers the messages of one stream. Implemented by GRPCKit; called by
/// transports on their own thread, never concurrently for one stream.
public protocol InboundMessageSink: AnyObject, Sendable {
  /// Delivers one complete message (without its 5-byte prefix). The bytes are borrowed for the
  /// call only.
  ///
  /// - Parameters:
  ///   - message: The serialized message.
  ///   - flowControl: The handle to call when the consumer catches up, if this returns `false`.
  /// - Returns: `true` if the transport may keep granting flow-control credit; `false` if the
  ///   consumer is behind and credit should be withheld until `flowControl.resumeInbound()`.
  /// - Throws: ``RPCError`` (`INTERNAL`) when the message does not decode; the transport ends the
  ///   call with it.
  func receive(_ message: UnsafeRawBufferPointer, flowControl: any InboundFlowControl) throws(RPCError) -> Bool

  /// Delivers one complete message (decompressed, without its prefix) and whether it arrived
  /// compressed (its prefix had the compressed flag set). Transports call this one; sinks that
  /// do not record the flag keep the default, which calls ``receive(_:flowControl:)``.
  ///
  /// - Parameters:
  ///   - message: The serialized message, decompressed.
  ///   - compressed: Whether the message was compressed on the wire.
  ///   - flowControl: The handle to call when the consumer catches up, if this returns `false`.
  /// - Returns: As ``receive(_:flowControl:)``.
  /// - Throws: As ``receive(_:flowControl:)``.
  func receive(
    _ message: UnsafeRawBufferPointer,
    compressed: Bool,
    flowControl: any InboundFlowControl
  ) throws(RPCError) -> Bool

  /// Delivers the response headers (client side), before any message.
  func receiveHeaders(_ metadata: Metadata)

  /// Ends the stream. Messages delivered earlier are still handed to the consumer first.
  func finish(_ end: InboundEnd)
}

extension InboundMessageSink {
  public func receive(
    _ message: UnsafeRawBufferPointer,
    compressed: Bool,
    flowControl: any InboundFlowControl
  ) throws(RPCError) -> Bool {
    try self.receive(message, flowControl: flowControl)
  }
}

/// The sending side of one server call, implemented by a transport.
///
/// Response headers (from ``ServerContext``) go out with the first message or, for a call that
/// ends without messages, in a trailers-only response.
public protocol ServerStreamOutbound: Sendable {
  /// Frames and queues one message; suspends while the peer is not reading (backpressure).
  ///
  /// - Parameters:
  ///   - size: The serialized size of the message.
  ///   - compress: Whether to compress the message when the call's responses are compressed
  ///     (see ``ServerContext/responseCompression``); `false` sends it uncompressed (flag 0).
  ///   - encode: Writes exactly `size` bytes into the buffer it is given; called once, before the
  ///     function suspends.
  /// - Throws: ``RPCError`` when the stream has ended (reset, deadline, connection closed).
  func write(size: Int, compress: Bool, encode: (UnsafeMutableRawBufferPointer) -> Void) async throws(RPCError)

  /// Ends the call with a status and trailers. Later calls are ignored.
  func finish(_ status: Status, trailers: Metadata)

  /// Overrides the server's response compression policy for this call
  /// (``ServerContext/responseCompression``), until the first response message is written.
  ///
  /// - Parameter algorithm: The algorithm to compress responses with, if the client accepts it;
  ///   `nil` returns to the policy.
  /// - Returns: `false` once the first message was written: the choice is then ignored.
  func setResponseCompression(_ algorithm: CompressionAlgorithm?) -> Bool
}

/// The sending side of one client call, implemented by a transport.
public protocol ClientStreamOutbound: Sendable {
  /// Frames and queues one request message; suspends while the server is not reading.
  ///
  /// - Parameters:
  ///   - size: The serialized size of the message.
  ///   - compress: Whether to compress the message when the call compresses its requests
  ///     (``CallOptions/compression``); `false` sends it uncompressed (flag 0).
  ///   - encode: Writes exactly `size` bytes into the buffer it is given; called once.
  /// - Throws: ``RPCError`` when the stream has ended.
  func write(size: Int, compress: Bool, encode: (UnsafeMutableRawBufferPointer) -> Void) async throws(RPCError)

  /// Half-closes the call: no more requests.
  func halfClose()

  /// Cancels the call (RST_STREAM CANCEL); the response stream ends with `CANCELLED`.
  func cancel()
}
