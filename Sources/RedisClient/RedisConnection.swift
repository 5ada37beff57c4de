internal import NIOCore

/// One open connection to Redis (connected, TLS done, `AUTH` and `SELECT` sent): its channel
/// and handler.
final class RedisConnection: Sendable {
  let channel: any Channel
  let handler: NIOLoopBound<RedisConnectionHandler>

  init(channel: any Channel, handler: NIOLoopBound<RedisConnectionHandler>) {
    self.channel = channel
    self.handler = handler
  }

  /// Writes `commands` (pipelined behind whatever was written before) and returns their replies.
  ///
  /// - Parameters:
  ///   - commands: The commands, at least one.
  ///   - name: Their name for messages.
  /// - Returns: The replies in order; fails with a ``RedisFailure``.
  func send(_ commands: [RedisCommand], name: String) -> EventLoopFuture<[RedisReply]> {
    let promise = self.channel.eventLoop.makePromise(of: [RedisReply].self)
    let bytes = RedisCommandEncoder.encode(commands, allocator: self.channel.allocator)
    let request = RedisRequest(
      bytes: bytes,
      replyCount: commands.count,
      name: name,
      promise: promise
    )
    // Without the handler (the channel closed) nothing else completes the promise; with it, the
    // handler already did and this is ignored.
    self.channel.writeAndFlush(RedisOutbound.request(request)).whenFailure { error in
      promise.fail(RedisFailure(.connectionClosed, RedisErrorText.describe(error)))
    }
    return promise.futureResult
  }

  /// Writes `commands` whose replies are pushes (`SUBSCRIBE`, `UNSUBSCRIBE`).
  func write(_ commands: [RedisCommand]) {
    let bytes = RedisCommandEncoder.encode(commands, allocator: self.channel.allocator)
    self.channel.writeAndFlush(RedisOutbound.bytes(bytes), promise: nil)
  }

  /// Closes the connection from its event loop; pending requests fail with `reason`.
  ///
  /// - Returns: When it has closed.
  @discardableResult
  func close(_ reason: RedisFailure) -> EventLoopFuture<Void> {
    let handler = self.handler
    self.channel.eventLoop.execute { handler.value.close(reason) }
    return self.channel.closeFuture
  }
}
