/// The figures of one streams measurement, as markdown and as a JSON line.
struct StreamsReport {
  let server: String
  let streams: Int
  let connections: Int
  let rooms: Int
  let largestRoom: Int
  let senders: Int
  /// Server memory: before, with connections, with streams, after the broadcast, after the
  /// streams ended, after the connections closed.
  let memory: [ServerMemory.Sample]
  let connectTime: UInt64
  let openTime: UInt64
  /// Sorted delivery latencies of the broadcast (ns), one per member that received it.
  let latencies: [UInt64]
  let failures: Int

  private static let phases = [
    "before", "connections open", "streams open", "after the broadcast", "streams closed",
    "connections closed",
  ]

  /// Server KiB per idle stream: the growth from opening the members, over the members.
  var perStream: Double {
    Double(self.memory[2].resident - self.memory[1].resident) / Double(self.streams)
  }

  /// Server KiB per connection: the growth from opening the connections, less the probe stream
  /// each carries.
  var perConnection: Double {
    Double(self.memory[1].resident - self.memory[0].resident) / Double(self.connections)
      - self.perStream
  }

  /// The share of the growth from `before` to `streams open` given back once everything closed.
  var returned: Double {
    let grown = self.memory[2].resident - self.memory[0].resident
    guard grown > 0 else { return 0 }
    return Double(self.memory[2].resident - self.memory[5].resident) / Double(grown)
  }

  var markdown: String {
    let p50 = Figures.quantile(0.50, of: self.latencies)
    let p99 = Figures.quantile(0.99, of: self.latencies)
    var lines = [
      "### \(self.server): \(self.streams) idle streams over \(self.connections) connections",
      "",
      "\(self.rooms) rooms (largest \(self.largestRoom) members), "
        + "plus one probe stream per connection.",
      "",
      "| phase | VmRSS MiB | RssAnon MiB |",
      "| --- | ---: | ---: |",
    ]
    for (phase, sample) in zip(Self.phases, self.memory) {
      lines.append(
        Figures.row(phase, Figures.mebibytes(sample.resident))
          + " \(Figures.mebibytes(sample.anonymous)) |"
      )
    }
    lines += [
      "",
      "| figure | value |",
      "| --- | ---: |",
      "| per idle stream | \(Figures.decimal(self.perStream, 2)) KiB |",
      "| per connection (beyond its streams) | \(Figures.decimal(self.perConnection, 1)) KiB |",
      Figures.row(
        "time to open \(self.connections) connections",
        "\(Figures.milliseconds(self.connectTime)) ms"
      ),
      "| time to open \(self.streams) streams | \(Figures.milliseconds(self.openTime)) ms |",
      Figures.row(
        "broadcast: \(self.senders) senders, deliveries",
        "\(self.latencies.count) of \(self.streams)"
      ),
      Figures.row(
        "broadcast delivery p50 / p99 / max",
        [p50, p99, self.latencies.last ?? 0].map(Figures.milliseconds).joined(separator: " / ")
          + " ms"
      ),
      "| growth given back after closing | \(Figures.decimal(self.returned * 100, 0))% |",
      "| streams that failed | \(self.failures) |",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  var json: String {
    Figures.json([
      "measurement": "\"streams\"",
      "server": Figures.jsonString(self.server),
      "streams": "\(self.streams)",
      "connections": "\(self.connections)",
      "rooms": "\(self.rooms)",
      "largest_room": "\(self.largestRoom)",
      "rss_kib": "[" + self.memory.map { "\($0.resident)" }.joined(separator: ",") + "]",
      "rss_anon_kib": "[" + self.memory.map { "\($0.anonymous)" }.joined(separator: ",") + "]",
      "rss_phases": "[" + Self.phases.map(Figures.jsonString).joined(separator: ",") + "]",
      "per_stream_kib": Figures.decimal(self.perStream, 2),
      "per_connection_kib": Figures.decimal(self.perConnection, 1),
      "connect_ms": Figures.milliseconds(self.connectTime),
      "open_ms": Figures.milliseconds(self.openTime),
      "deliveries": "\(self.latencies.count)",
      "broadcast_p50_ms": Figures.milliseconds(Figures.quantile(0.50, of: self.latencies)),
      "broadcast_p99_ms": Figures.milliseconds(Figures.quantile(0.99, of: self.latencies)),
      "broadcast_max_ms": Figures.milliseconds(self.latencies.last ?? 0),
      "returned_fraction": Figures.decimal(self.returned, 3),
      "failures": "\(self.failures)",
    ])
  }
}
