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
  }
  private let state = Mutex(State())

  func add(_ handler: ServerConnectionHandler, eventLoop: any EventLoop) {
    let entry = Entry(handler: NIOLoopBound(handler, eventLoop: eventLoop), eventLoop: eventLoop)
    self.state.withLock { $0.entries[ObjectIdentifier(handler)] = entry }
  }

  func remove(_ handler: ServerConnectionHandler) {
    let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.entries.removeValue(forKey: ObjectIdentifier(handler))
      guard state.entries.isEmpty else { return [] }
      defer { state.emptyWaiters = [] }
      return state.emptyWaiters
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Asks every connection to send GOAWAY and close once its streams end.
  func beginGracefulShutdown() {
    let entries = self.state.withLock { Array($0.entries.values) }
    for entry in entries {
      entry.eventLoop.execute { entry.handler.value.beginGracefulShutdown() }
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
