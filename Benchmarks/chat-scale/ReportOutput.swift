import Foundation
import Glibc

/// Where the measurements write: a JSON-lines file and standard error.
enum ReportFile {
  /// Appends `line` and a newline to the file at `path`, creating it if needed.
  static func append(_ line: String, to path: String) throws {
    guard let file = fopen(path, "a") else {
      throw ScaleError("cannot open \(path) for appending: \(String(cString: strerror(errno)))")
    }
    defer { fclose(file) }
    fputs(line + "\n", file)
  }
}

enum FileHandleOutput {
  /// Writes `line` and a newline to standard error, unbuffered.
  static func standardError(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
  }
}

/// Number formatting for the summaries.
enum Figures {
  /// A two-column markdown table row.
  static func row(_ name: String, _ value: String) -> String {
    "| \(name) | \(value) |"
  }

  /// `value` with `digits` decimals.
  static func decimal(_ value: Double, _ digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
  }

  /// KiB as MiB with one decimal.
  static func mebibytes(_ kibibytes: Int) -> String {
    self.decimal(Double(kibibytes) / 1024)
  }

  /// The value at quantile `q` of sorted `values` (nearest rank); 0 when empty.
  static func quantile(_ q: Double, of values: [UInt64]) -> UInt64 {
    guard !values.isEmpty else { return 0 }
    let rank = max(1, Int((q * Double(values.count)).rounded(.up)))
    return values[min(rank, values.count) - 1]
  }

  /// Nanoseconds as milliseconds with two decimals.
  static func milliseconds(_ nanoseconds: UInt64) -> String {
    self.decimal(Double(nanoseconds) / 1e6, 2)
  }

  /// A JSON object from ordered fields whose values are already JSON text.
  static func json(_ fields: KeyValuePairs<String, String>) -> String {
    "{" + fields.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
  }

  /// `text` as a JSON string literal (the summaries hold only printable ASCII).
  static func jsonString(_ text: String) -> String {
    "\""
      + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
        of: "\"",
        with: "\\\""
      )
      + "\""
  }
}
