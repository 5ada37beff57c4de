/// A timer a connection's lifecycle state machine asks its handler to run.
enum ConnectionTimer: Hashable, Sendable {
  /// Checks whether the connection has been quiet for the keepalive interval.
  case keepalive
  /// Waits for anything from the peer after a keepalive PING.
  case keepaliveTimeout
  /// Runs while the connection has no open streams (maximum idle time).
  case idle
  /// Runs from the start of the connection (maximum age).
  case age
  /// Waits for the ACK of the PING that follows the first GOAWAY of a graceful close.
  case goAwayPing
  /// Runs while open streams drain; when it fires they are ended with `UNAVAILABLE`.
  case grace
  /// Bounds the wait for the peer to close after the connection has finished.
  case closeDeadline
}

/// What a connection handler does for its lifecycle state machine.
enum ConnectionLifecycleAction: Hashable, Sendable {
  /// Starts (or restarts) a timer; when it fires the handler reports it to the state machine.
  case schedule(ConnectionTimer, after: Duration)
  /// Cancels a timer.
  case cancel(ConnectionTimer)
  /// Sends a PING with this opaque data.
  case sendPing(UInt64)
  /// Sends the first GOAWAY of a graceful close (last stream id 2^31-1), then a PING with this
  /// data.
  case sendShutdownNotice(pingData: UInt64)
  /// Sends GOAWAY with the last processed stream id.
  case sendGoAway(errorCode: HTTP2ErrorCode, debugData: String)
  /// Ends every open call with `UNAVAILABLE` and this message, after what was already written.
  case endCalls(message: String)
  /// Closes gracefully: FIN once the queued frames are written, then the peer closes.
  case close
  /// Closes at once: the peer is gone or did not close; open calls end with `UNAVAILABLE`.
  case abort(message: String)
}
