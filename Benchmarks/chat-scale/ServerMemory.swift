import BenchmarkClock
import Foundation

/// The resident memory of another process, read from `/proc/PID/status`.
struct ServerMemory: Sendable {
  /// One reading, in KiB.
  struct Sample: Sendable {
    /// `VmRSS`: all resident pages.
    let resident: Int
    /// `RssAnon`: resident anonymous pages (heap, stacks), without mapped files.
    let anonymous: Int
  }

  let pid: Int32

  /// The current reading; nil when the process is gone.
  func sample() -> Sample? {
    guard let text = try? String(contentsOfFile: "/proc/\(self.pid)/status", encoding: .utf8)
    else { return nil }
    var fields: [Substring: Int] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
      if parts.count >= 2, let value = Int(parts[1]) { fields[parts[0]] = value }
    }
    guard let resident = fields["VmRSS"] else { return nil }
    return Sample(resident: resident, anonymous: fields["RssAnon"] ?? 0)
  }

  /// Waits until the resident size moves less than `tolerance` KiB over three readings half a
  /// second apart (at most `limit` seconds), and returns the last reading.
  func settled(tolerance: Int = 256, limit: Double = 20) async throws -> Sample {
    let deadline = MonotonicClock.now() + MonotonicClock.nanoseconds(seconds: limit)
    var recent: [Sample] = []
    while true {
      guard let sample = self.sample() else {
        throw ScaleError("server process \(self.pid) is gone")
      }
      recent.append(sample)
      if recent.count > 3 { recent.removeFirst() }
      let sizes = recent.map(\.resident)
      if recent.count == 3, sizes.max()! - sizes.min()! < tolerance { return sample }
      if MonotonicClock.now() >= deadline { return sample }
      try await Task.sleep(for: .milliseconds(500))
    }
  }
}

/// A measurement that cannot go on; the message says why.
struct ScaleError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
