import ChatService
import Logging
import ServiceLifecycle

#if canImport(Glibc)
  import Glibc
#endif

/// When to hand freed heap memory back to the system: after the open calls fell by at least
/// `minimumDrop` from the most open at once since the last trim.
///
/// glibc returns freed memory to the system only from the top of an arena, so the memory of
/// thousands of calls that ended stays resident under the few chunks still in use (in the scale
/// measurement, 195 MiB after every stream had closed; 35 MiB after `malloc_trim`). The memory
/// is reused by the next calls either way; trimming after a large drop gives it back to the
/// machine in between, at the cost of one walk over the arenas.
///
/// ```swift
/// var policy = MemoryTrimPolicy(minimumDrop: 1_000)
/// policy.observe(peak: 10_000, open: 10_000)   // false: the peak is 10,000
/// policy.observe(peak: 10_000, open: 8_500)    // true: 1,500 fewer; the peak is now 8,500
/// ```
struct MemoryTrimPolicy {
  /// How many fewer open calls than the peak call for a trim (at least 1).
  let minimumDrop: Int
  /// The most calls open at once since the last trim.
  private(set) var peak = 0

  init(minimumDrop: Int) {
    self.minimumDrop = max(1, minimumDrop)
  }

  /// Records a sample: the most calls open at once since the previous sample, and the number
  /// open now.
  ///
  /// - Returns: `true` when memory should be trimmed now; the peak then restarts from `open`.
  mutating func observe(peak: Int, open: Int) -> Bool {
    self.peak = max(self.peak, peak, open)
    guard self.peak - open >= self.minimumDrop else { return false }
    self.peak = open
    return true
  }
}

/// Samples the chat service's open calls (their peak since the last sample, and now) every
/// `interval` and calls glibc's `malloc_trim(0)` when ``MemoryTrimPolicy`` says so, until the
/// service group shuts down (`--trim-memory-after`).
struct MemoryTrimService: Service {
  let chat: ChatRoomService
  let minimumDrop: Int
  let interval: Duration
  let logger: Logger

  func run() async throws {
    // Ends with the group's graceful shutdown (the sleep is cancelled), not after the drain.
    try? await cancelWhenGracefulShutdown {
      var policy = MemoryTrimPolicy(minimumDrop: self.minimumDrop)
      while true {
        try await Task.sleep(for: self.interval)
        let (peak, open) = self.chat.takeOpenCallPeak()
        guard policy.observe(peak: peak, open: open) else { continue }
        guard let trim = Self.mallocTrim else { return }  // not glibc: nothing to call
        let released = trim(0) == 1
        self.logger.debug(
          "trimmed the heap after calls ended",
          metadata: ["chat.open_calls": "\(open)", "chat.memory_released": "\(released)"])
      }
    }
  }

  /// glibc's `int malloc_trim(size_t pad)`, looked up at run time: `<malloc.h>` is not part of
  /// the Glibc module, and another C library (musl) has no such function.
  private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
    #if canImport(Glibc)
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
      return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    #else
      return nil
    #endif
  }()
}
