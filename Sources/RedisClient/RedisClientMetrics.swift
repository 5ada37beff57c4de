import CoreMetrics
import GRPCLocking

/// The Redis client's metrics, through swift-metrics, labelled by command name (Redis's own,
/// a bounded set; never a key or an argument):
///
/// | metric | type | labels |
/// | --- | --- | --- |
/// | `redis_commands_total` | counter | `command` (`XADD`, `EVALSHA`, …) |
/// | `redis_command_errors_total` | counter | `command`, `error` (`server_error`, `timeout`, `connection_failed`, `connection_closed`, …) |
/// | `redis_command_duration_seconds` | timer (a histogram in Prometheus) | `command` (`pipeline` for several written at once) |
///
/// A client makes them only when a metrics backend is bootstrapped before it is created;
/// otherwise it holds none and a command costs one `nil` check.
final class RedisClientMetrics: Sendable {
  private let factory: any MetricsFactory
  private let commands = Mutex<[String: Counter]>([:])
  private let errors = Mutex<[String: Counter]>([:])
  private let durations = Mutex<[String: CoreMetrics.Timer]>([:])

  init(factory: any MetricsFactory) {
    self.factory = factory
  }

  /// The metrics of a new client: `nil` when no backend is bootstrapped.
  static func ifBootstrapped() -> RedisClientMetrics? {
    let factory = MetricsSystem.factory
    if factory is NOOPMetricsHandler { return nil }
    return RedisClientMetrics(factory: factory)
  }

  /// What came of commands written together.
  enum Outcome {
    /// Their replies; an error reply counts as that command's `server_error`.
    case replies([RedisReply])
    /// The failure of them all.
    case failed(RedisError.Code)
  }

  /// Records commands written together and what came of them.
  func record(_ commands: [RedisCommand], _ outcome: Outcome, since start: ContinuousClock.Instant)
  {
    let elapsed = ContinuousClock.now - start
    for (index, command) in commands.enumerated() {
      let name = command.name.uppercased()
      self.counter(
        name,
        in: self.commands,
        label: "redis_commands_total",
        dimensions: [("command", name)]
      ).increment()
      let failure: RedisError.Code?
      switch outcome {
      case .replies(let replies):
        if index < replies.count, case .error = replies[index] {
          failure = .serverError
        } else {
          failure = nil
        }
      case .failed(let code):
        failure = code
      }
      if let failure {
        let kind = failure.description.split(separator: " ").joined(separator: "_")
        self.counter(
          "\(name) \(kind)",
          in: self.errors,
          label: "redis_command_errors_total",
          dimensions: [("command", name), ("error", kind)]
        ).increment()
      }
    }
    let timed = commands.count == 1 ? commands[0].name.uppercased() : "pipeline"
    let timer = self.durations.withLock { timers in
      if let timer = timers[timed] { return timer }
      let timer = CoreMetrics.Timer(
        label: "redis_command_duration_seconds",
        dimensions: [("command", timed)],
        factory: self.factory
      )
      timers[timed] = timer
      return timer
    }
    let (seconds, attoseconds) = elapsed.components
    timer.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
  }

  private func counter(
    _ key: String,
    in counters: borrowing Mutex<[String: Counter]>,
    label: String,
    dimensions: [(String, String)]
  ) -> Counter {
    counters.withLock { counters in
      if let counter = counters[key] { return counter }
      let counter = Counter(label: label, dimensions: dimensions, factory: self.factory)
      counters[key] = counter
      return counter
    }
  }
}
