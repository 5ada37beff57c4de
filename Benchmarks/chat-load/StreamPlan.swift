/// One ChatStream call of a workload: its name (for error lines), room, role and connection.
struct StreamPlan: Sendable {
  /// What the stream does.
  enum Role: Sendable {
    /// Pingpong and stream modes: counts its echoes and times them.
    case echo
    /// Fanout sender: times its echoes (pingpong), counts nothing.
    case sender
    /// Fanout listener: never sends, counts deliveries.
    case listener
  }

  let name: String
  let room: String
  let role: Role
  /// The index of the connection (transport) the stream runs on.
  let connection: Int

  /// The streams of a workload, as chatload lays them out: in pingpong and stream modes
  /// `streams` per connection, each in room `bench-<conn>-<stream>`; in fanout mode `listeners`
  /// listeners spread over the connections and one sender on connection 0, all in `bench-fanout`.
  static func workload(mode: LoadMode, connections: Int, streams: Int, listeners: Int) -> [StreamPlan] {
    switch mode {
    case .pingpong, .stream:
      return (0..<connections).flatMap { connection in
        (0..<streams).map { stream in
          let id = "\(connection)-\(stream)"
          return StreamPlan(name: id, room: "bench-\(id)", role: .echo, connection: connection)
        }
      }
    case .fanout:
      let listenerPlans = (0..<listeners).map { listener in
        StreamPlan(
          name: "listener-\(listener)", room: "bench-fanout", role: .listener,
          connection: listener % connections)
      }
      return listenerPlans + [StreamPlan(name: "sender", room: "bench-fanout", role: .sender, connection: 0)]
    }
  }
}
