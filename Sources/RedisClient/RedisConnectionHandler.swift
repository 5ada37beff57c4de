internal import NIOCore
internal import NIOTLS

/// The channel handler of one Redis connection: writes encoded commands, feeds the reply reader,
/// and completes the requests in the order they were written (pipelining).
///
/// Each request has the command timeout from when it was written; the first one to pass it fails
/// with `.timeout` and closes the connection, since later replies could no longer be matched,
/// failing the others with `.connectionClosed`. A reply that breaks a reader limit or the
/// protocol fails the request it belongs to and closes the connection too. Replies when no
/// request waits go to ``pushReceiver`` (pub/sub); without one they are a protocol error.
final class RedisConnectionHandler: ChannelDuplexHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundIn = RedisOutbound
  typealias OutboundOut = ByteBuffer

  private struct Pending {
    let name: String
    let replyCount: Int
    var replies: [RedisReply] = []
    let promise: EventLoopPromise<[RedisReply]>
    let deadline: NIODeadline
  }

  private let commandTimeout: Duration
  private let reader: RedisReplyReader
  private let waitsForTLS: Bool
  private var pending = CircularBuffer<Pending>()
  /// Fires at or before the first pending request's deadline.
  private var timer: Scheduled<Void>?
  private var context: ChannelHandlerContext?
  private var readyPromise: EventLoopPromise<Void>?
  /// Why the connection closes; the first reason wins.
  private var closeReason: RedisFailure?
  private var closed = false
  /// A flush is queued behind the writes already waiting on the event loop.
  private var flushQueued = false
  private var onClose: ((RedisFailure) -> Void)?
  /// Receives the replies that no request waits for (pub/sub pushes).
  var pushReceiver: ((RedisReply) -> Void)?

  /// Creates the handler of a connection.
  ///
  /// - Parameters:
  ///   - commandTimeout: How long a request may wait for its replies.
  ///   - maximumReplyBytes: The reader's reply size limit.
  ///   - maximumElements: The reader's array size limit.
  ///   - waitsForTLS: Whether the connection is ready only after a TLS handshake.
  init(commandTimeout: Duration, maximumReplyBytes: Int, maximumElements: Int, waitsForTLS: Bool) {
    self.commandTimeout = commandTimeout
    self.reader = RedisReplyReader(
      maximumReplyBytes: maximumReplyBytes,
      maximumElements: maximumElements
    )
    self.waitsForTLS = waitsForTLS
  }

  /// Succeeds once commands can go out (connected, and TLS handshake done); fails with a
  /// ``RedisFailure`` when the connection closes first.
  var ready: EventLoopFuture<Void>? { self.readyPromise?.futureResult }

  /// Calls `callback` once, with the reason, when the connection has closed (at once if it has).
  func setOnClose(_ callback: @escaping (RedisFailure) -> Void) {
    if self.closed, let reason = self.closeReason {
      callback(reason)
    } else {
      self.onClose = callback
    }
  }

  /// Closes the connection; pending requests fail with `reason`.
  func close(_ reason: RedisFailure) {
    if self.closeReason == nil { self.closeReason = reason }
    self.context?.close(promise: nil)
  }

  // MARK: Channel events

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    self.readyPromise = context.eventLoop.makePromise(of: Void.self)
    if context.channel.isActive && !self.waitsForTLS { self.readyPromise?.succeed() }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.finish(self.closeReason ?? RedisFailure(.connectionClosed, "the connection closed"))
    self.context = nil
  }

  func channelActive(context: ChannelHandlerContext) {
    if !self.waitsForTLS { self.readyPromise?.succeed() }
    context.fireChannelActive()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
      self.readyPromise?.succeed()
    }
    context.fireUserInboundEventTriggered(event)
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    switch self.unwrapOutboundIn(data) {
    case .request(let request):
      if self.closed || self.closeReason != nil {
        let reason = self.closeReason ?? RedisFailure(.connectionClosed, "the connection closed")
        request.promise.fail(reason)
        promise?.fail(ChannelError.ioOnClosedChannel)
        return
      }
      let deadline = context.eventLoop.now + self.commandTimeout.timeAmount
      self.pending.append(
        Pending(
          name: request.name,
          replyCount: request.replyCount,
          promise: request.promise,
          deadline: deadline
        )
      )
      if self.timer == nil { self.scheduleTimer(context: context, deadline: deadline) }
      context.write(self.wrapOutboundOut(request.bytes), promise: promise)
    case .bytes(let bytes):
      context.write(self.wrapOutboundOut(bytes), promise: promise)
    }
  }

  /// Coalesces flushes: concurrent senders each write and flush from their own thread, and the
  /// writes already queued on the event loop go out with one flush.
  func flush(context: ChannelHandlerContext) {
    guard !self.flushQueued else { return }
    self.flushQueued = true
    let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
    context.eventLoop.execute {
      handler.value.flushQueued = false
      handler.value.context?.flush()
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard self.closeReason == nil else { return }  // closing: nothing more is matched
    self.reader.feed(self.unwrapInboundIn(data))
    do throws(RedisError) {
      while self.closeReason == nil, let reply = try self.reader.next() {
        self.deliver(reply)
      }
    } catch {
      if let head = self.pending.popFirst() {
        head.promise.fail(error.failure)
      }
      self.close(
        RedisFailure(
          .connectionClosed,
          "connection closed after an invalid reply: \(error.message)"
        )
      )
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    var reason = self.closeReason
    if reason == nil {
      do throws(RedisError) {
        try self.reader.finish()
        reason = RedisFailure(.connectionClosed, "the server closed the connection")
      } catch {
        reason = error.failure
      }
    }
    self.finish(reason ?? RedisFailure(.connectionClosed, "the connection closed"))
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    self.close(RedisFailure(.connectionClosed, RedisErrorText.describe(error)))
  }

  // MARK: Replies and timeouts

  private func deliver(_ reply: RedisReply) {
    guard !self.pending.isEmpty else {
      if let receiver = self.pushReceiver {
        receiver(reply)
      } else {
        self.close(
          RedisFailure(.protocolError, "unexpected reply \(reply) with no command waiting")
        )
      }
      return
    }
    self.pending[self.pending.startIndex].replies.append(reply)
    if let head = self.pending.first, head.replies.count == head.replyCount {
      self.pending.removeFirst()
      head.promise.succeed(head.replies)
    }
  }

  private func scheduleTimer(context: ChannelHandlerContext, deadline: NIODeadline) {
    let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
    self.timer = context.eventLoop.scheduleTask(deadline: deadline) { handler.value.timerFired() }
  }

  /// Deadlines grow in request order, so the timer only ever needs the first one's.
  private func timerFired() {
    self.timer = nil
    guard let head = self.pending.first, let context = self.context, self.closeReason == nil else {
      return
    }
    guard head.deadline <= context.eventLoop.now else {
      self.scheduleTimer(context: context, deadline: head.deadline)
      return
    }
    self.pending.removeFirst()
    let timeout = RedisFailure(
      .timeout,
      "no reply within \(self.commandTimeout.redisText) (commandTimeout)"
    )
    head.promise.fail(timeout)
    self.close(RedisFailure(.connectionClosed, "connection closed after \(head.name) timed out"))
  }

  /// Fails everything still waiting with `reason` and reports the close, once.
  private func finish(_ reason: RedisFailure) {
    guard !self.closed else { return }
    self.closed = true
    let reason = self.closeReason ?? reason
    self.closeReason = reason
    self.timer?.cancel()
    self.timer = nil
    self.readyPromise?.fail(reason)
    while let request = self.pending.popFirst() {
      request.promise.fail(reason)
    }
    self.pushReceiver = nil
    let callback = self.onClose
    self.onClose = nil
    callback?(reason)
  }
}
