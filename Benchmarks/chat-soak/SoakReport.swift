import Foundation

/// The soak's markdown summary.
struct SoakReport {
  struct ReplicaMemory {
    var index: Int
    var startKiB: Int?
    var endKiB: Int?
    var restarts: Int
  }

  var command: String
  var date: String
  var trafficSeconds: Double
  var drainSeconds: Double
  var setup: [String]
  var faults: [String]
  var verdict: LedgerVerdict
  var readers: (subscribers: Int, slow: Int, sessions: Int)
  var logCounts: ReplicaLogCounts
  var subscriptionErrors: [String]
  var memory: [ReplicaMemory]

  var markdown: String {
    var lines: [String] = []
    lines.append("## Soak of \(self.date)")
    lines.append("")
    lines.append("Command: `\(self.command)`.")
    lines.append("")
    lines.append(contentsOf: self.setup.map { "- \($0)" })
    lines.append("")
    let verdict = self.verdict
    lines.append("| | |")
    lines.append("| --- | --- |")
    lines.append("| result | **\(verdict.passed ? "PASS" : "FAIL: \(verdict.failures.count) ledger failures")** |")
    lines.append("| traffic, then drain | \(Self.decimal(self.trafficSeconds / 60)) min, then \(Self.decimal(self.drainSeconds)) s |")
    let total = verdict.acknowledged + verdict.failed + verdict.pending
    lines.append(
      "| messages sent / acknowledged / unacknowledged (sender got an error) | "
        + "\(total) / \(verdict.acknowledged) / \(verdict.failed + verdict.pending) |")
    lines.append("| messages delivered (each reader, once each) | \(verdict.delivered) |")
    lines.append(
      "| readers | \(self.readers.subscribers) RoomEvents subscribers (\(self.readers.slow) slow) in the ledger, "
        + "\(self.readers.sessions) ChatStream calls (order and duplicates only) |")
    lines.append("| faults injected | \(self.faults.count) |")
    let ends = self.logCounts.subscribeEnds.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
    lines.append(
      "| Subscribe streams ended and resumed (replicas' access logs; SIGKILLed streams not logged) | "
        + "\(self.logCounts.resumes)\(ends.isEmpty ? "" : " (\(ends.joined(separator: ", ")))") |")
    lines.append(
      "| slow-consumer ends (RESOURCE_EXHAUSTED) | \(self.logCounts.subscribeSlowConsumers) subscriptions, "
        + "\(self.logCounts.chatStreamSlowConsumers) ChatStream calls |")
    let regular = verdict.latencies.regular.sorted()
    lines.append(
      "| end-to-end latency, send to receipt (readers that keep up) | p50 \(Self.milliseconds(Self.quantile(0.5, regular))) ms, "
        + "p99 \(Self.milliseconds(Self.quantile(0.99, regular))) ms, max \(Self.milliseconds(regular.last ?? 0)) ms |")
    lines.append("| max end-to-end latency, slow consumers | \(Self.milliseconds(verdict.latencies.slowMaximum)) ms |")
    for replica in self.memory {
      lines.append(
        "| replica \(replica.index + 1) VmRSS at start / end | \(Self.mebibytes(replica.startKiB)) / "
          + "\(Self.mebibytes(replica.endKiB)) MiB (\(replica.restarts) SIGKILL restarts; the end figure is "
          + "the last process's) |")
    }
    lines.append("")
    lines.append("Faults:")
    lines.append("")
    lines.append(contentsOf: self.faults.map { "- \($0)" })
    if !self.subscriptionErrors.isEmpty {
      lines.append("")
      lines.append("Subscriptions that ended early:")
      lines.append("")
      lines.append(contentsOf: self.subscriptionErrors.map { "- \($0)" })
    }
    if !verdict.passed {
      lines.append("")
      var kinds: [String: Int] = [:]
      for failure in verdict.failures { kinds[failure.kind, default: 0] += 1 }
      lines.append(
        "Ledger failures: " + kinds.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
          + ". Per reader, the count and the first:")
      lines.append("")
      var readers: [String] = []
      var byReader: [String: (count: Int, first: LedgerFailure)] = [:]
      for failure in verdict.failures {
        if let entry = byReader[failure.reader] {
          byReader[failure.reader] = (entry.count + 1, entry.first)
        } else {
          readers.append(failure.reader)
          byReader[failure.reader] = (1, failure)
        }
      }
      lines.append(contentsOf: readers.map { "- \($0): \(byReader[$0]!.count); first \(byReader[$0]!.first)" })
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func decimal(_ value: Double, _ digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
  }

  static func milliseconds(_ nanoseconds: UInt64) -> String {
    self.decimal(Double(nanoseconds) / 1e6)
  }

  static func mebibytes(_ kibibytes: Int?) -> String {
    kibibytes.map { self.decimal(Double($0) / 1024) } ?? "?"
  }

  /// The value at quantile `q` of sorted `values` (nearest rank); 0 when empty.
  static func quantile(_ q: Double, _ values: [UInt64]) -> UInt64 {
    guard !values.isEmpty else { return 0 }
    let rank = max(1, Int((q * Double(values.count)).rounded(.up)))
    return values[min(rank, values.count) - 1]
  }
}
