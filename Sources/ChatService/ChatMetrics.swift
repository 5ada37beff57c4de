import CoreMetrics

/// The chat service's metrics, through swift-metrics. No label names a room, a user or a peer,
/// so the number of series stays fixed however many rooms there are:
///
/// | metric | type | what |
/// | --- | --- | --- |
/// | `chat_open_streams` | gauge | open ChatStream and RoomEvents/Subscribe calls on this server (the HPA's metric) |
/// | `chat_rooms` | gauge | rooms with members on this server |
/// | `chat_room_members` | gauge | members of those rooms |
/// | `chat_messages_broadcast_total` | counter | messages stored in a room and queued for its members |
/// | `chat_messages_delivered_total` | counter | messages written to a member's call |
/// | `chat_slow_consumers_total` | counter | calls ended with `RESOURCE_EXHAUSTED` for falling behind |
///
/// The service makes them only when a metrics backend is bootstrapped before it is created;
/// otherwise it holds none and each event costs one `nil` check.
package final class ChatMetrics: Sendable {
  let openStreams: Gauge
  let rooms: Gauge
  let members: Meter
  let broadcast: Counter
  let delivered: Counter
  let slowConsumers: Counter

  init(factory: any MetricsFactory) {
    self.openStreams = Gauge(label: "chat_open_streams", dimensions: [], factory: factory)
    self.rooms = Gauge(label: "chat_rooms", dimensions: [], factory: factory)
    self.members = Meter(label: "chat_room_members", dimensions: [], factory: factory)
    self.broadcast = Counter(
      label: "chat_messages_broadcast_total",
      dimensions: [],
      factory: factory
    )
    self.delivered = Counter(
      label: "chat_messages_delivered_total",
      dimensions: [],
      factory: factory
    )
    self.slowConsumers = Counter(
      label: "chat_slow_consumers_total",
      dimensions: [],
      factory: factory
    )
    self.openStreams.record(0)
    self.rooms.record(0)
    self.members.set(0)
  }

  /// The metrics of a new service: `nil` when no backend is bootstrapped.
  static func ifBootstrapped() -> ChatMetrics? {
    let factory = MetricsSystem.factory
    if factory is NOOPMetricsHandler { return nil }
    return ChatMetrics(factory: factory)
  }
}
