import ArgumentParser

/// The workload kinds of chatload's `--mode`.
enum LoadMode: String, ExpressibleByArgument, Sendable {
  /// Each stream sends one message, waits for its echo, repeats.
  case pingpong
  /// Each stream keeps up to `--window` messages in flight.
  case stream
  /// Listeners in one room, one pingpong sender; messages are deliveries to listeners.
  case fanout
}
