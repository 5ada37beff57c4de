internal import Logging
internal import NIOCore

/// A pub/sub connection of its own: holds a set of channels and reports their messages.
///
/// It connects when made and reconnects forever, with the client's backoff, until ``close()``.
/// After each connect (and `AUTH`/`SELECT`) it subscribes again to every channel it holds and
/// reports ``RedisSubscriberEvent/connected`` only once Redis confirmed them all, so a message
/// published after that event reaches the handler. A lost connection is reported once as
/// ``RedisSubscriberEvent/disconnected(_:)``. Messages come in Redis's order, on the
/// connection's event loop: the handler must not block. Keep a reference while you want events:
/// releasing the last one closes the subscriber.
///
/// ```swift
/// let subscriber = client.makeSubscriber { event in
///   if case .message(let channel, let payload) = event { print(channel, payload.count) }
/// }
/// try await subscriber.subscribe(["news"])
/// // ...
/// subscriber.close()
/// ```
public final class RedisSubscriber: Sendable {
  private let driver: NIOLoopBoundBox<RedisSubscriberDriver>

  init(
    connector: RedisConnector,
    eventLoop: any EventLoop,
    logger: Logger,
    handler: @escaping @Sendable (RedisSubscriberEvent) -> Void
  ) {
    self.driver = NIOLoopBoundBox.makeBoxSendingValue(
      RedisSubscriberDriver(
        connector: connector,
        eventLoop: eventLoop,
        logger: logger,
        handler: handler
      ),
      eventLoop: eventLoop
    )
    let driver = self.driver
    eventLoop.execute { driver.value.start() }
  }

  /// Closes the connection when the last reference goes, as ``close()`` does.
  deinit {
    self.close()
  }

  /// Adds channels: when connected, sends `SUBSCRIBE` and returns once Redis confirmed each.
  ///
  /// - Parameter channels: The channels.
  /// - Throws: ``RedisError`` (keeping none of the channels) when not connected (code
  ///   `.connectionFailed`, naming the last failure), when the connection is lost first, when
  ///   Redis refuses (`.serverError`), on the command timeout (`.timeout`), or after
  ///   ``close()`` (`.shutdown`).
  public func subscribe(_ channels: [String]) async throws(RedisError) {
    let driver = self.driver
    let promise = driver.eventLoop.makePromise(of: Void.self)
    driver.eventLoop.execute { driver.value.subscribe(channels, promise: promise) }
    do {
      try await promise.futureResult.get()
    } catch let error as RedisError {
      throw error
    } catch {
      throw RedisError(code: .connectionClosed, message: "redis: SUBSCRIBE: \(error)")
    }
  }

  /// Removes channels; sends `UNSUBSCRIBE` for those held when connected. Their messages are no
  /// longer reported.
  ///
  /// - Parameter channels: The channels.
  public func unsubscribe(_ channels: [String]) {
    let driver = self.driver
    driver.eventLoop.execute { driver.value.unsubscribe(channels) }
  }

  /// Closes the connection and stops reconnecting; a waiting ``subscribe(_:)`` fails with
  /// `.shutdown`. No event follows.
  public func close() {
    let driver = self.driver
    driver.eventLoop.execute { driver.value.close() }
  }
}
