import NIOCore
import Synchronization

/// The open connections of a server, so that shutdown can reach each on its own loop.
final class ServerConnectionRegistry: Sendable {
  private struct Entry: Sendable {
    let handler: NIOLoopBound<ServerConnectionHandler>
    let eventLoop: any EventLoop
  }
  private struct State {
    var entries: [ObjectIdentifier: Entry] = [:]
    var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    /// Set once the server began shutting down: the grace period connections get.
    var shutdownGracePeriod: Duration?
  }
  private let state = Mutex(State())
  /// The connection-level metrics, when a metrics backend was bootstrapped.
  let metrics: ServerConnectionMetrics?

  init(metrics: ServerConnectionMetrics? = nil) {
    self.metrics = metrics
  }

  /// Registers a connection.
  /// - Returns: the shutdown grace period if the server already began shutting down (a
  ///   connection accepted just before the listener closed): the connection must drain at once.
  func add(_ handler: ServerConnectionHandler, eventLoop: any EventLoop) -> Duration? {
    let entry = Entry(handler: NIOLoopBound(handler, eventLoop: eventLoop), eventLoop: eventLoop)
    let (added, gracePeriod) = self.state.withLock { state in
      (state.entries.updateValue(entry, forKey: ObjectIdentifier(handler)) == nil, state.shutdownGracePeriod)
    }
    if added { self.metrics?.connectionOpened() }
    return gracePeriod
  }

  func remove(_ handler: ServerConnectionHandler) {
    let (removed, waiters) = self.state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
      let removed = state.entries.removeValue(forKey: ObjectIdentifier(handler)) != nil
      guard state.entries.isEmpty else { return (removed, []) }
      defer { state.emptyWaiters = [] }
      return (removed, state.emptyWaiters)
    }
    if removed { self.metrics?.connectionClosed() }
    for waiter in waiters { waiter.resume() }
  }

  /// Asks every connection, and every one registered later, to close gracefully: two-phase
  /// GOAWAY, open calls may finish within `gracePeriod`, then they end with `UNAVAILABLE`.
  func beginGracefulShutdown(gracePeriod: Duration) {
    let entries = self.state.withLock { state in
      state.shutdownGracePeriod = state.shutdownGracePeriod ?? gracePeriod
      return Array(state.entries.values)
    }
    for entry in entries {
      entry.eventLoop.execute { entry.handler.value.beginGracefulShutdown(gracePeriod: gracePeriod) }
    }
  }

  /// Closes every connection that is still open.
  func forceClose() {
    let entries = self.state.withLock { Array($0.entries.values) }
    for entry in entries {
      entry.eventLoop.execute { entry.handler.value.forceClose() }
    }
  }

  var count: Int { self.state.withLock { $0.entries.count } }

  /// Returns once no connection is open.
  func waitUntilEmpty() async {
    await withCheckedContinuation { continuation in
      let empty = self.state.withLock { state -> Bool in
        if state.entries.isEmpty { return true }
        state.emptyWaiters.append(continuation)
        return false
      }
      if empty { continuation.resume() }
    }
  }
}
