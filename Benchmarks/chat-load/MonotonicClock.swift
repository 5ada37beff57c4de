import Glibc

/// Nanoseconds on `CLOCK_MONOTONIC`, the clock chatload's `steady_clock` reads.
enum MonotonicClock {
  /// The current time in nanoseconds.
  static func now() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
  }

  /// Seconds as nanoseconds, for flag values.
  static func nanoseconds(seconds: Double) -> UInt64 {
    UInt64((seconds * 1e9).rounded(.down))
  }
}
