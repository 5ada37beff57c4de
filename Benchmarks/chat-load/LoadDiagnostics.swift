import Glibc
import Synchronization

/// chatload's exits and stderr lines: a failure before the measurement exits 1 at once; later
/// stream failures are counted, and the first five are printed.
final class LoadDiagnostics: Sendable {
  private let reported = Atomic<Int>(0)

  /// Prints `line` to stderr and exits 1 without teardown (calls may still be in flight).
  static func fail(_ line: String) -> Never {
    printError(line)
    _exit(1)
  }

  /// Prints one `chat-load:` line to stderr.
  static func printError(_ line: String) {
    self.writeToStandardError("chat-load: \(line)\n")
  }

  /// Writes `text` to file descriptor 2, unbuffered.
  static func writeToStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
  }

  /// Handles stream `name` failing with `problem` at `time`: exits during warm-up, else returns
  /// the error count to add (1) after printing the line if it is among the first five.
  func streamFailed(_ name: String, problem: String, at time: UInt64, schedule: LoadSchedule) -> UInt64 {
    if time < schedule.measureStart { Self.fail("stream \(name) failed at start: \(problem)") }
    if self.reported.add(1, ordering: .relaxed).newValue <= 5 {
      Self.printError("stream \(name): \(problem)")
    }
    return 1
  }
}
