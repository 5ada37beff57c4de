internal import NIOCore

/// What a ``RedisConnectionHandler`` is asked to write.
enum RedisOutbound: Sendable {
  /// Commands whose replies, `replyCount` of them in order, complete `promise`.
  case request(RedisRequest)
  /// Commands whose replies are pushes (`SUBSCRIBE`, `UNSUBSCRIBE`): they go to the handler's
  /// push receiver.
  case bytes(ByteBuffer)
}
