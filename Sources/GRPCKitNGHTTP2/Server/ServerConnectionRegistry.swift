import GRPCKit
import GRPCLocking
import NIOCore

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
  /// Logged when ``NGHTTP2ServerConfiguration/maximumConnections`` turns a connection away.
  let refusalWarning = LimitWarning("connection limit reached; connection refused")

  init(metrics: ServerConnectionMetrics? = nil) {
    self.metrics = metrics
  }

  /// What ``add(_:eventLoop:limit:)`` decided for a new connection.
  enum Admission: Equatable {
    /// Serve it.
    case admitted
    /// Serve it, but the server already began shutting down (a connection accepted just before
    /// the listener closed): it must drain at once, within this grace period.
    case draining(gracePeriod: Duration)
    /// Turn it away: `limit` connections are open. It was not registered.
    case refused(limit: Int)
  }

  /// Registers a connection, unless `limit` connections are registered already.
  func add(_ handler: ServerConnectionHandler, eventLoop: any EventLoop, limit: Int?) -> Admission {
    let entry = Entry(handler: NIOLoopBound(handler, eventLoop: eventLoop), eventLoop: eventLoop)
    let (admission, added) = self.state.withLock { state -> (Admission, Bool) in
      if let limit, state.entries.count >= limit { return (.refused(limit: limit), false) }
      let added = state.entries.updateValue(entry, forKey: ObjectIdentifier(handler)) == nil
      return (state.shutdownGracePeriod.map { .draining(gracePeriod: $0) } ?? .admitted, added)
    }
    if added { self.metrics?.connectionOpened() }
    return admission
  }

  func remove(_ handler: ServerConnectionHandler) {
    let (removed, waiters) = self.state.withLock {
      state -> (Bool, [CheckedContinuation<Void, Never>]) in
      guard state.entries.removeValue(forKey: ObjectIdentifier(handler)) != nil else {
        return (false, [])
      }
      guard state.entries.isEmpty else { return (true, []) }
      defer { state.emptyWaiters = [] }
      return (true, state.emptyWaiters)
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
