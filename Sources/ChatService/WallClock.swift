#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's real-time clock.
package enum WallClock {
  /// Milliseconds since the Unix epoch, from `CLOCK_REALTIME`.
  @Sendable package static func millisecondsSinceEpoch() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
  }

  /// Microseconds since the Unix epoch, from `CLOCK_REALTIME`: in-process rooms' epochs.
  @Sendable package static func microsecondsSinceEpoch() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
  }
}
