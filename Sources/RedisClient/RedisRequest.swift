internal import NIOCore

/// Encoded commands and the promise of their replies.
struct RedisRequest: Sendable {
  /// The encoded commands.
  var bytes: ByteBuffer
  /// How many replies complete the request (one per command).
  var replyCount: Int
  /// The command's name (or a pipeline's names), for messages.
  var name: String
  /// Completed with the replies, or failed with a ``RedisFailure``.
  var promise: EventLoopPromise<[RedisReply]>
}
