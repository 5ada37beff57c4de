import GRPCKit
import NIOCore

// Keepalive, ping policing, maximum idle time and age, and the graceful close: the handler
// performs what its `ServerConnectionLifecycle` decides.
extension ServerConnectionHandler {
  /// Starts the lifecycle timers once the connection is active.
  func startLifecycle() {
    guard !self.lifecycleStarted, let context = self.context, context.channel.isActive else {
      return
    }
    self.lifecycleStarted = true
    let limit = self.configuration.maximumConnections
    switch self.connections.add(self, eventLoop: context.eventLoop, limit: limit) {
    case .admitted:
      self.perform(self.lifecycle.start())
    case .draining(let gracePeriod):
      // The server began shutting down while this connection was being accepted.
      self.perform(self.lifecycle.start())
      self.beginGracefulShutdown(gracePeriod: gracePeriod)
    case .refused(let limit):
      self.connections.refusalWarning.record(
        to: self.logger,
        metadata: [
          "grpc.limit": "maximumConnections", "grpc.maximum": "\(limit)",
          "grpc.peer": "\(self.peer)",
        ])
      let reason = "too many connections: limit \(limit) (maximumConnections)"
      self.perform(self.lifecycle.refuse(debugData: reason))
    }
  }

  /// Two-phase GOAWAY; open calls may finish within `gracePeriod`, then end with `UNAVAILABLE`.
  func beginGracefulShutdown(gracePeriod: Duration) {
    self.perform(self.lifecycle.startDraining(.shutdown(gracePeriod: gracePeriod), at: .now))
    self.flush()
  }

  /// Reports a lifecycle-relevant session event.
  func lifecycleEvent(_ event: HTTP2SessionEvent) {
    switch event {
    case .headers(let streamID, _, false, _):
      self.perform(self.lifecycle.streamOpened(streamID))
    case .streamClosed(let streamID, _):
      self.perform(self.lifecycle.streamClosed(streamID))
    case .ping(let data, let ack):
      self.perform(self.lifecycle.pingReceived(data: data, ack: ack, at: .now))
    default:
      break
    }
  }

  func perform(_ actions: [ConnectionLifecycleAction]) {
    for action in actions {
      switch action {
      case .schedule(let timer, let delay):
        guard let eventLoop = self.context?.eventLoop else { continue }
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        self.timers.schedule(timer, after: delay, on: eventLoop) {
          let handler = loopBound.value
          let actions = handler.lifecycle.timerFired(timer, at: .now)
          if timer == .keepaliveTimeout, !actions.isEmpty { handler.connections.metrics?.keepaliveClosed() }
          handler.perform(actions)
          handler.flush()
        }
      case .cancel(let timer):
        self.timers.cancel(timer)
      case .sendPing(let data):
        self.session?.submitPing(data: data)
      case .sendShutdownNotice(let pingData):
        self.session?.submitShutdownNotice(pingData: pingData)
      case .sendGoAway(let errorCode, let debugData):
        self.session?.submitGoAway(lastStreamID: nil, errorCode: errorCode, debugData: debugData)
        self.connections.metrics?.goAwaySent(reason: debugData)
        if errorCode != .noError {
          self.logger.debug(
            "closing connection",
            metadata: ["grpc.peer": "\(self.peer)", "grpc.goaway": "\(debugData)"]
          )
        }
      case .endCalls(let message):
        self.endOpenCalls(RPCError(code: .unavailable, message: message))
      case .close:
        self.driver?.closeRequested = true
      case .abort(let message):
        self.logger.debug(
          "closing connection",
          metadata: ["grpc.peer": "\(self.peer)", "grpc.reason": "\(message)"]
        )
        self.tearDown(reason: RPCError(code: .unavailable, message: message))
        self.context?.close(promise: nil)
      }
    }
  }

  /// Ends every open call with `error`: what its handler already wrote goes first, then the
  /// status as trailers; the handler is cancelled and later writes fail.
  private func endOpenCalls(_ error: RPCError) {
    self.mailbox?.drainNow()
    for (streamID, stream) in self.streams where stream.machine.response != .finished {
      self.abort(streamID: streamID, error)
    }
  }
}
