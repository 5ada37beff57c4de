import GRPCLocking
import NIOCore

/// Carries work from handler tasks to the event loop that owns a connection's nghttp2 session.
///
/// Tasks post actions from any thread; the first post after a drain schedules one drain on the
/// loop, so a burst of writes from many streams costs one loop hop and ends in one flush.
final class ConnectionMailbox<Action: Sendable>: Sendable {
  private struct State {
    var actions: [Action] = []
    var scheduled = false
    var drain: (@Sendable ([Action]) -> Void)?
    var closeReason: String?
  }

  let eventLoop: any EventLoop
  private let state = Mutex(State())

  init(eventLoop: any EventLoop) {
    self.eventLoop = eventLoop
  }

  /// Sets the loop-side consumer; until then posts are refused.
  func setDrain(_ drain: @escaping @Sendable ([Action]) -> Void) {
    self.state.withLock { $0.drain = drain }
  }

  /// Detaches the consumer because the connection closed: later posts are refused, and
  /// ``closeReason`` says why (for example the TLS error), for calls that arrive too late.
  ///
  /// - Returns: The actions that were accepted but not drained yet. A post schedules its drain
  ///   as a loop task, and the loop handles I/O (the read that closes the connection) before
  ///   tasks, so these are common; the caller must end them, or their calls never end.
  func close(reason: String) -> [Action] {
    self.state.withLock { state in
      state.drain = nil
      state.closeReason = reason
      defer { state.actions = [] }
      return state.actions
    }
  }

  /// Why the connection closed, once ``close(reason:)`` was called.
  var closeReason: String? { self.state.withLock { $0.closeReason } }

  /// Queues an action; returns false if the connection is gone.
  @discardableResult
  func post(_ action: Action) -> Bool {
    let (accepted, schedule) = self.state.withLock { state -> (Bool, Bool) in
      guard state.drain != nil else { return (false, false) }
      state.actions.append(action)
      if state.scheduled { return (true, false) }
      state.scheduled = true
      return (true, true)
    }
    if schedule {
      self.eventLoop.execute { self.drainNow() }
    }
    return accepted
  }

  /// Runs queued actions; called on the loop (also directly at the end of a read cycle).
  func drainNow() {
    let (actions, drain) = self.state.withLock { state -> ([Action], (@Sendable ([Action]) -> Void)?) in
      state.scheduled = false
      defer { state.actions = [] }
      return (state.actions, state.drain)
    }
    if !actions.isEmpty { drain?(actions) }
  }
}
