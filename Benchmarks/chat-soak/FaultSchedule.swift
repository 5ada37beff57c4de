/// When the soak injects which fault: proxy cuts every `cutInterval`, a SIGKILL and restart of
/// one replica (in turn) every `killInterval`, and one Redis restart half-way; all within the
/// traffic period, none in its last `quietTail` seconds.
struct FaultSchedule: Sendable, Equatable {
  enum Fault: Sendable, Equatable, CustomStringConvertible {
    /// Every proxy cuts every connection.
    case cutConnections
    /// SIGKILL of replica `index` (from 0), then a restart on its port.
    case killReplica(Int)
    /// Redis stops (SIGTERM: it writes and syncs its append-only file) and starts again on it.
    case restartRedis

    var description: String {
      switch self {
      case .cutConnections: "cut every proxied connection"
      case .killReplica(let index): "SIGKILL replica \(index + 1), restart it on its port"
      case .restartRedis: "restart Redis (SIGTERM, start again on its append-only file)"
      }
    }
  }

  /// One fault, `at` seconds after traffic started.
  struct Entry: Sendable, Equatable {
    var at: Double
    var fault: Fault
  }

  var entries: [Entry]

  /// The schedule for `duration` seconds of traffic over `replicas` replicas.
  init(
    duration: Double, replicas: Int, cutInterval: Double = 60, killInterval: Double = 180,
    quietTail: Double = 20
  ) {
    let end = duration - quietTail
    var entries: [Entry] = []
    // First cut after 45 s, first kill after 90 s: apart from each other, from the start, and
    // from the Redis restart half-way (+ 25 s).
    var time = 45.0
    while time <= end {
      entries.append(Entry(at: time, fault: .cutConnections))
      time += cutInterval
    }
    time = 90
    var replica = 0
    while time <= end, replicas > 0 {
      entries.append(Entry(at: time, fault: .killReplica(replica % replicas)))
      replica += 1
      time += killInterval
    }
    let redis = (duration / 2).rounded() + 25
    if redis <= end { entries.append(Entry(at: redis, fault: .restartRedis)) }
    self.entries = entries.sorted { $0.at < $1.at }
  }
}
