import NIOCore
import Synchronization

/// The open connections of a server, so that shutdown can reach each on its own loop.
final class ServerConnectionRegistry: Sendable {
  private struct Entry: Sendable {
    let handler: NIOLoopBound<ServerConnectionHandler>
    let eventLoop: any EventLoop
  }
  private let entries = Mutex<[ObjectIdentifier: Entry]>([:])

  func add(_ handler: ServerConnectionHandler, eventLoop: any EventLoop) {
    let entry = Entry(handler: NIOLoopBound(handler, eventLoop: eventLoop), eventLoop: eventLoop)
    self.entries.withLock { $0[ObjectIdentifier(handler)] = entry }
  }

  func remove(_ handler: ServerConnectionHandler) {
    _ = self.entries.withLock { $0.removeValue(forKey: ObjectIdentifier(handler)) }
  }

  /// Asks every connection to send GOAWAY and close once its streams end.
  func beginGracefulShutdown() {
    let entries = self.entries.withLock { Array($0.values) }
    for entry in entries {
      entry.eventLoop.execute { entry.handler.value.beginGracefulShutdown() }
    }
  }

  var count: Int { self.entries.withLock { $0.count } }
}
