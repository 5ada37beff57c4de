import Glibc

/// chatload's one JSON result line, formatted with the same printf conversions so that scripts
/// (bench-peers' `run.sh`) read both alike.
struct LoadReport {
  let mode: LoadMode
  let connections: Int
  let streams: Int
  let listeners: Int
  let payload: Int
  let duration: Double
  let threads: Int
  let tally: StreamTally

  /// The line, without a newline.
  var line: String {
    let latency = self.tally.latency
    var fields = [
      #""mode":"\#(self.mode.rawValue)""#,
      #""conns":\#(self.connections)"#,
      #""streams":\#(self.mode == .fanout ? 1 : self.streams)"#,
    ]
    if self.mode == .fanout { fields.append(#""listeners":\#(self.listeners)"#) }
    fields += [
      #""payload":\#(self.payload)"#,
      #""duration_s":\#(Self.format("%g", self.duration))"#,
      #""messages":\#(self.tally.messages)"#,
      #""msgs_per_s":\#(Self.format("%.1f", Double(self.tally.messages) / self.duration))"#,
      #""p50_us":\#(Self.micros(latency.quantile(0.50)))"#,
      #""p90_us":\#(Self.micros(latency.quantile(0.90)))"#,
      #""p99_us":\#(Self.micros(latency.quantile(0.99)))"#,
      #""max_us":\#(Self.micros(latency.max))"#,
      #""errors":\#(self.tally.errors)"#,
      #""client_threads":\#(self.threads)"#,
    ]
    return "{" + fields.joined(separator: ",") + "}"
  }

  private static func micros(_ nanoseconds: UInt64) -> String {
    self.format("%.1f", Double(nanoseconds) / 1000)
  }

  /// One double through C's printf conversion `format`.
  private static func format(_ format: String, _ value: Double) -> String {
    withVaList([value]) { arguments in
      var buffer = [CChar](repeating: 0, count: 64)
      _ = vsnprintf(&buffer, buffer.count, format, arguments)
      return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
  }
}
