import BenchmarkClock
/// The figures of one churn measurement, as markdown and as a JSON line.
struct ChurnReport {
  /// One reading of the server's memory during or after the churn.
  struct Sample {
    /// Seconds since the churn started.
    let second: Int
    let memory: ServerMemory.Sample
    /// Connections finished by then.
    let completed: Int
  }

  let server: String
  let rate: Int
  let duration: Int
  let connections: Int
  let failures: Int
  let firstFailures: [String]
  /// Nanoseconds from the first start to the last connection's end.
  let elapsed: UInt64
  let before: ServerMemory.Sample
  let samples: [Sample]
  /// Whole seconds the churn took; samples after it are the cooldown.
  let churnSeconds: Int
  let after: ServerMemory.Sample

  private var churnSamples: [Sample] { self.samples.filter { $0.second <= self.churnSeconds } }

  /// Mean VmRSS (KiB) of the first ten samples of the churn.
  var firstTen: Double { Self.mean(self.churnSamples.prefix(10)) }
  /// Mean VmRSS (KiB) of the last ten samples of the churn.
  var lastTen: Double { Self.mean(self.churnSamples.suffix(10)) }

  /// Least-squares slope of VmRSS over the churn after its first ten seconds, KiB per second.
  var slope: Double {
    let points = self.churnSamples.dropFirst(10)
    guard points.count >= 2 else { return 0 }
    let n = Double(points.count)
    let meanX = points.reduce(0.0) { $0 + Double($1.second) } / n
    let meanY = points.reduce(0.0) { $0 + Double($1.memory.resident) } / n
    var covariance = 0.0
    var variance = 0.0
    for point in points {
      covariance += (Double(point.second) - meanX) * (Double(point.memory.resident) - meanY)
      variance += (Double(point.second) - meanX) * (Double(point.second) - meanX)
    }
    return variance > 0 ? covariance / variance : 0
  }

  /// Flat when the last ten seconds average within 5% (and 2 MiB) of the first ten.
  var isFlat: Bool {
    let growth = self.lastTen - self.firstTen
    return growth <= max(0.05 * self.firstTen, 2048)
  }

  var rateReached: Double { Double(self.connections) / MonotonicClock.seconds(self.elapsed) }

  private static func mean(_ samples: some Collection<Sample>) -> Double {
    guard !samples.isEmpty else { return 0 }
    return samples.reduce(0.0) { $0 + Double($1.memory.resident) } / Double(samples.count)
  }

  var markdown: String {
    var lines = [
      "### \(self.server): connection churn, \(self.rate)/s asked for \(self.duration) s",
      "",
      "| figure | value |",
      "| --- | ---: |",
      Figures.row(
        "connections (one call each)",
        "\(self.connections) in \(Figures.decimal(MonotonicClock.seconds(self.elapsed))) s"
      ),
      "| rate reached | \(Figures.decimal(self.rateReached, 0)) connections/s |",
      "| failed calls | \(self.failures) |",
      "| VmRSS before | \(Figures.mebibytes(self.before.resident)) MiB |",
      "| VmRSS, mean of the first 10 s | \(Figures.decimal(self.firstTen / 1024)) MiB |",
      "| VmRSS, mean of the last 10 s | \(Figures.decimal(self.lastTen / 1024)) MiB |",
      "| slope after the first 10 s | \(Figures.decimal(self.slope, 1)) KiB/s |",
      Figures.row(
        "VmRSS after a \(self.samples.count - self.churnSamples.count) s cooldown and settling",
        "\(Figures.mebibytes(self.after.resident)) MiB"
      ),
      "| verdict | \(self.isFlat ? "flat" : "grows") (last 10 s vs first 10 s) |",
      "",
      "VmRSS MiB every 5 s: "
        + self.samples.filter { $0.second % 5 == 0 }.map {
          "\($0.second) s \(Figures.mebibytes($0.memory.resident))"
        }.joined(separator: ", "),
    ]
    lines += self.firstFailures.map { "- \($0)" }
    return lines.joined(separator: "\n") + "\n"
  }

  var json: String {
    Figures.json([
      "measurement": "\"churn\"",
      "server": Figures.jsonString(self.server),
      "rate": "\(self.rate)",
      "duration_s": "\(self.duration)",
      "connections": "\(self.connections)",
      "elapsed_s": Figures.decimal(MonotonicClock.seconds(self.elapsed), 2),
      "failures": "\(self.failures)",
      "rss_before_kib": "\(self.before.resident)",
      "rss_first10_kib": Figures.decimal(self.firstTen, 0),
      "rss_last10_kib": Figures.decimal(self.lastTen, 0),
      "slope_kib_per_s": Figures.decimal(self.slope, 2),
      "rss_after_kib": "\(self.after.resident)",
      "flat": self.isFlat ? "true" : "false",
      "rss_series_kib": "[" + self.samples.map { "\($0.memory.resident)" }.joined(separator: ",")
        + "]",
      "completed_series": "[" + self.samples.map { "\($0.completed)" }.joined(separator: ",") + "]",
    ])
  }
}
