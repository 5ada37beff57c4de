import GRPCLocking

/// Whether a ``GRPCClient`` takes calls, and how many are open: a graceful shutdown refuses
/// new calls and closes the transport when the last open one ends.
final class ClientLifecycle: Sendable {
  private enum State {
    case running(openCalls: Int)
    case draining(openCalls: Int)
    case closed
  }
  private let state = Mutex(State.running(openCalls: 0))

  /// Counts a new call in.
  ///
  /// - Throws: ``RPCError`` `UNAVAILABLE` once the client is shutting down or closed.
  func enter(_ method: ProtobufMethodDescriptor) throws(RPCError) {
    let accepted = self.state.withLock { state -> Bool in
      guard case .running(let calls) = state else { return false }
      state = .running(openCalls: calls + 1)
      return true
    }
    guard accepted else {
      throw RPCError(
        code: .unavailable,
        message: "the client is shut down; \(method.path) was not started"
      )
    }
  }

  /// Counts a call out; closes `transport` when it was the last one of a graceful shutdown.
  func leave(closing transport: any ClientTransport) {
    let close = self.state.withLock { state -> Bool in
      switch state {
      case .running(let calls):
        state = .running(openCalls: calls - 1)
        return false
      case .draining(let calls):
        if calls == 1 {
          state = .closed
          return true
        }
        state = .draining(openCalls: calls - 1)
        return false
      case .closed:
        return false
      }
    }
    if close { transport.close() }
  }

  /// Refuses new calls; closes `transport` now if no call is open, else after the last ends.
  func beginGracefulShutdown(closing transport: any ClientTransport) {
    let close = self.state.withLock { state -> Bool in
      guard case .running(let calls) = state else { return false }
      if calls == 0 {
        state = .closed
        return true
      }
      state = .draining(openCalls: calls)
      return false
    }
    if close { transport.close() }
  }

  /// Refuses new calls and closes `transport` at once.
  func close(_ transport: any ClientTransport) {
    let close = self.state.withLock { state -> Bool in
      if case .closed = state { return false }
      state = .closed
      return true
    }
    if close { transport.close() }
  }
}

extension GRPCClient {
  /// Stops taking calls and closes the transport once the open calls have finished: new calls
  /// fail with `UNAVAILABLE`, calls in flight (streams included) run to their end.
  ///
  /// ```swift
  /// let client = GRPCClient(transport: transport)
  /// let running = Task { try await echo(client).update { writer, replies in ... } }
  /// client.beginGracefulShutdown()  // `running` still finishes; later calls are refused
  /// ```
  public func beginGracefulShutdown() {
    self.lifecycle.beginGracefulShutdown(closing: self.transport)
  }

  /// Stops taking calls and closes the transport now: calls in flight fail with `UNAVAILABLE`.
  public func close() {
    self.lifecycle.close(self.transport)
  }
}
