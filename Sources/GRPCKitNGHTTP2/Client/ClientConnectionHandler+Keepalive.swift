import GRPCKit
import NIOCore

// Client keepalive: a PING after the configured quiet time (while calls are open, or always if
// permitted); a server that answers nothing in time is gone, and the connection's calls fail.
extension ClientConnectionHandler {
  func startKeepalive() {
    guard self.keepalive == nil, let interval = self.keepaliveInterval?.current else { return }
    let keepalive = Keepalive(
      interval: interval,
      timeout: self.configuration.keepalive.timeout,
      pingData: .random(in: .min ... .max),
      now: .now
    )
    self.keepalive = keepalive
    self.perform(keepalive.start())
  }

  func keepaliveDidRead() {
    guard self.keepalive != nil else { return }
    self.perform(self.keepalive!.didRead(at: .now))
  }

  /// A GOAWAY "too_many_pings" from the server: later connections ping half as often.
  func receivedGoAway(errorCode: HTTP2ErrorCode, debugData: String) {
    guard errorCode != .noError else { return }
    self.goAwayError =
      "GOAWAY with HTTP/2 error \(errorCode)" + (debugData.isEmpty ? "" : " (\(debugData))")
    if errorCode == .enhanceYourCalm, debugData == "too_many_pings" {
      self.keepaliveInterval?.double()
    }
  }

  /// What calls still open when the connection closes fail with.
  var closedMessage: String {
    guard let goAwayError = self.goAwayError else { return "the connection to the server closed" }
    return "the connection to the server closed after \(goAwayError)"
  }

  private func timerFired(_ timer: ConnectionTimer) {
    guard self.keepalive != nil else { return }
    switch timer {
    case .keepalive:
      let mayPing =
        self.streams.values.contains { !$0.machine.isFinished }
        || self.configuration.keepalive.permitWithoutCalls
      self.perform(self.keepalive!.timerFired(at: .now, mayPing: mayPing))
      self.flush()
    case .keepaliveTimeout:
      guard let message = self.keepalive!.timeoutFired() else { return }
      self.tearDown(RPCError(code: .unavailable, message: message))
      self.context?.close(promise: nil)
    default:
      break
    }
  }

  private func perform(_ actions: [ConnectionLifecycleAction]) {
    for action in actions {
      switch action {
      case .schedule(let timer, let delay):
        guard let eventLoop = self.context?.eventLoop else { continue }
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        self.timers.schedule(timer, after: delay, on: eventLoop) {
          loopBound.value.timerFired(timer)
        }
      case .cancel(let timer):
        self.timers.cancel(timer)
      case .sendPing(let data):
        self.session?.submitPing(data: data)
      default:
        break
      }
    }
  }
}
