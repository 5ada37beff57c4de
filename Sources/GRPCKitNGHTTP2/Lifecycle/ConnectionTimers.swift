import NIOCore

/// The running ``ConnectionTimer``s of one connection, on its event loop.
struct ConnectionTimers {
  private var scheduled: [ConnectionTimer: Scheduled<Void>] = [:]

  /// Starts `timer` (replacing a running one); `fire` runs on `eventLoop` when it expires.
  mutating func schedule(
    _ timer: ConnectionTimer,
    after delay: Duration,
    on eventLoop: any EventLoop,
    fire: @escaping @Sendable () -> Void
  ) {
    self.scheduled[timer]?.cancel()
    self.scheduled[timer] = eventLoop.scheduleTask(
      in: .nanoseconds(delay.saturatingNanoseconds),
      fire
    )
  }

  mutating func cancel(_ timer: ConnectionTimer) {
    self.scheduled.removeValue(forKey: timer)?.cancel()
  }

  mutating func cancelAll() {
    for timer in self.scheduled.values { timer.cancel() }
    self.scheduled = [:]
  }
}
