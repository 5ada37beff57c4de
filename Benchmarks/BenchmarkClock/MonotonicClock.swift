import Glibc

/// Nanoseconds on `CLOCK_MONOTONIC`, for the benchmark drivers (`chat-scale`, `chat-soak`).
package enum MonotonicClock {
  /// The current time in nanoseconds.
  package static func now() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
  }

  /// Seconds as nanoseconds.
  package static func nanoseconds(seconds: Double) -> UInt64 {
    UInt64((seconds * 1e9).rounded(.down))
  }

  /// Nanoseconds as seconds.
  package static func seconds(_ nanoseconds: UInt64) -> Double {
    Double(nanoseconds) / 1e9
  }

  /// Polls `condition` every 5 ms until it holds (true) or `limit` seconds pass (false).
  package static func wait(upTo limit: Double, until condition: () -> Bool) async -> Bool {
    let deadline = self.now() + self.nanoseconds(seconds: limit)
    while !condition() {
      if self.now() >= deadline { return false }
      try? await Task.sleep(for: .milliseconds(5))
    }
    return true
  }
}
