import Foundation
import GRPCLocking

/// Standard output for JSON log lines: whole lines, unbuffered, one writer at a time.
///
/// Lines logged before ``open(firstLine:)`` are held back, so the line that names the bound
/// port (or the bind failure) is always the first one.
final class JSONLogOutput: Sendable {
  private let held = Mutex<[String]?>([])

  /// Writes `line`, or holds it until ``open(firstLine:)``.
  func write(_ line: String) {
    self.held.withLock { held in
      if held == nil {
        Self.writeToStandardOutput(line)
      } else {
        held?.append(line)
      }
    }
  }

  /// Writes `firstLine`, then the lines held so far; later lines are written at once.
  func open(firstLine: String) {
    self.held.withLock { held in
      Self.writeToStandardOutput(firstLine)
      for line in held ?? [] { Self.writeToStandardOutput(line) }
      held = nil
    }
  }

  private static func writeToStandardOutput(_ line: String) {
    var bytes = Array(line.utf8)
    bytes.append(UInt8(ascii: "\n"))
    bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let count = Foundation.write(
          STDOUT_FILENO,
          buffer.baseAddress! + offset,
          buffer.count - offset
        )
        if count > 0 {
          offset += count
        } else if count < 0 && errno == EINTR {
          continue
        } else {
          return
        }
      }
    }
  }
}
