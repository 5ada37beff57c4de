/// What a ``RedisSubscriber`` reports to its handler, in order, on its connection's event loop.
public enum RedisSubscriberEvent: Sendable, Hashable {
  /// Connected (after `AUTH` and `SELECT`) with every channel the subscriber holds confirmed by
  /// Redis: every message published from now on arrives. Reported after each (re)connection.
  case connected
  /// The connection was lost, or connecting failed: reported once per outage (not for every
  /// failed retry). The subscriber keeps retrying with backoff until closed.
  case disconnected(RedisError)
  /// A message published on a channel the subscriber holds, in Redis's order.
  case message(channel: String, payload: [UInt8])
}
