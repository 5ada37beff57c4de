import BenchmarkClock
import ArgumentParser
import Foundation
import Glibc

/// `chat-soak`: a soak of Redis-backed `chat-server` replicas with faults on a schedule and a
/// zero-loss ledger (run by `scripts/soak.sh`, not by the tests).
///
/// ```
/// chat-soak --minutes 15 --server .build/release/chat-server --proxy scripts/soak-proxy.py \
///   --work-dir /tmp/soak --report bench-results/soak.md
/// ```
///
/// It starts Redis (append-only file, fsync on every write), the replicas and a cutting proxy
/// in front of each, runs senders, subscribers (some slow) and ChatStream members through the
/// proxies with the `ChatClient` SDK, injects the faults of ``FaultSchedule``, drains, and checks
/// the ledger (``SoakLedger/check()``). Exits 1 when the ledger names a failure.
@main
struct ChatSoakCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chat-soak",
    abstract: "Soak chat-server replicas on Redis with faults; check that no acknowledged message is lost."
  )

  @Option(help: "Minutes of traffic.")
  var minutes = 15.0

  @Option(help: "The chat-server executable.")
  var server: String

  @Option(help: "The fault-injecting proxy (a Python script).")
  var proxy: String

  @Option(help: "redis-server.")
  var redisServer = "/usr/bin/redis-server"

  @Option(help: "redis-cli.")
  var redisCli = "/usr/bin/redis-cli"

  @Option(help: "A directory for Redis's files and the logs (created; must be empty).")
  var workDir: String

  @Option(help: "Write the markdown summary here too.")
  var report: String?

  @Option(help: "chat-server replicas (each behind its own proxy).")
  var replicas = 3

  @Option(help: "Rooms with small messages (one more room carries large ones and the slow consumers).")
  var rooms = 2

  @Option(help: "Publishing senders per small room, and their rate (messages a second each).")
  var senders = 2
  @Option var rate = 5.0

  @Option(help: "Publishing senders in the large-message room, their rate, and the message size.")
  var bulkSenders = 4
  @Option var bulkRate = 10.0
  @Option var bulkBytes = 3_500

  @Option(help: "Slow consumers (in the large-message room), and how long each stalls in every minute.")
  var slowConsumers = 2
  @Option var stall = 40.0

  @Option(help: "Seconds the subscribers get to catch up after traffic stopped.")
  var drain = 90.0

  @Option(help: "chat-server --history-size.")
  var historySize = 5_000

  @Option(help: "chat-server --queue-limit-bytes (the slow-consumer bound).")
  var queueLimitBytes = 2 << 20

  func validate() throws {
    guard self.minutes > 0, self.minutes <= 24 * 60 else { throw ValidationError("--minutes must be in (0, 1440]") }
    guard (1...9).contains(self.replicas) else { throw ValidationError("--replicas must be in 1...9") }
    guard self.rooms >= 0, self.senders >= 1, self.bulkSenders >= 1, self.slowConsumers >= 0 else {
      throw ValidationError("--rooms and --slow-consumers must not be negative, --senders and --bulk-senders positive")
    }
    guard self.rate > 0, self.bulkRate > 0, self.stall > 0, self.drain > 0 else {
      throw ValidationError("--rate, --bulk-rate, --stall and --drain must be positive")
    }
    guard (16...4_000).contains(self.bulkBytes) else {
      throw ValidationError("--bulk-bytes must be in 16...4000 (the server's default message limit is 4096)")
    }
    for path in [self.server, self.redisServer, self.redisCli] where !FileManager.default.isExecutableFile(atPath: path) {
      throw ValidationError("\(path) is not an executable file")
    }
    guard FileManager.default.fileExists(atPath: self.proxy) else { throw ValidationError("--proxy \(self.proxy) does not exist") }
  }

  func run() async throws {
    let code: Int32
    do {
      code = try await self.soak() ? 0 : 1
    } catch {
      FileHandleOutput.standardError("chat-soak: \(error)")
      code = 2
    }
    fflush(nil)
    _exit(code)  // transports and loops need no orderly teardown
  }

  /// Runs the soak; true when the ledger passed.
  private func soak() async throws -> Bool {
    try FileManager.default.createDirectory(atPath: self.workDir, withIntermediateDirectories: true)
    guard try FileManager.default.contentsOfDirectory(atPath: self.workDir).isEmpty else {
      throw SoakError("--work-dir \(self.workDir) is not empty (Redis would load an old append-only file)")
    }
    let cluster = SoakCluster(
      SoakCluster.Configuration(
        serverPath: self.server, redisPath: self.redisServer, redisCLIPath: self.redisCli,
        proxyPath: self.proxy, directory: self.workDir, replicas: self.replicas,
        serverArguments: [
          "--history-size", "\(self.historySize)", "--queue-limit-bytes", "\(self.queueLimitBytes)",
          "--access-log", "--grace-period", "2",
        ]))
    do {
      let passed = try await self.soak(cluster)
      await cluster.stop()
      return passed
    } catch {
      await cluster.stop()
      throw error
    }
  }

  private func soak(_ cluster: SoakCluster) async throws -> Bool {
    let log = EventLog()
    try await cluster.start()
    log.print(
      "started Redis on port \(cluster.redisPort) (append-only, fsync always), replicas on "
        + "\(cluster.replicas.map { "\($0.port)" }.joined(separator: ", ")), proxies on "
        + "\(cluster.proxyPorts.map(String.init).joined(separator: ", "))")
    let targets = cluster.proxyPorts.map { "127.0.0.1:\($0)" }
    let duration = self.minutes * 60
    let recorder = SoakRecorder()
    let errors = LockedValue<[String]>([])
    let start = MonotonicClock.now() + MonotonicClock.nanoseconds(seconds: 3)
    let traffic = SoakTraffic(
      recorder: recorder, start: start, stop: start + MonotonicClock.nanoseconds(seconds: duration))
    let smallRooms = (0..<self.rooms).map { "soak-\($0)" }
    let bulkRoom = "soak-bulk"
    let allRooms = smallRooms + [bulkRoom]
    let schedule = FaultSchedule(duration: duration, replicas: self.replicas)
    var faults: [String] = []
    let (slowConsumers, stall) = (self.slowConsumers, self.stall)
    let (senderCount, rate, bulkSenders, bulkRate, bulkBytes) =
      (self.senders, self.rate, self.bulkSenders, self.bulkRate, self.bulkBytes)

    let subscribers = Task {
      await withTaskGroup(of: Void.self) { group in
        // One subscriber per room on every replica, from the room's start.
        for (roomIndex, room) in allRooms.enumerated() {
          for replica in targets.indices {
            group.addTask {
              await traffic.subscribe(
                target: targets[replica], room: room, name: "sub-\(room)-r\(replica + 1)", start: .oldest,
                slow: nil, errors: errors)
            }
          }
          // One that joins a third of the way in, after the room's last acknowledged id.
          group.addTask {
            try? await Task.sleep(for: .seconds(3 + duration / 3))
            let replica = (roomIndex + 1) % targets.count
            await traffic.subscribe(
              target: targets[replica], room: room, name: "late-\(room)-r\(replica + 1)",
              start: recorder.lateStart(room: room), slow: nil, errors: errors)
          }
        }
        for index in 0..<slowConsumers {
          let replica = index % targets.count
          group.addTask {
            await traffic.subscribe(
              target: targets[replica], room: bulkRoom, name: "slow-\(index + 1)-r\(replica + 1)", start: .oldest,
              slow: (stall, Double(index) * 17), errors: errors)
          }
        }
      }
    }

    // Let every subscription open before the first message (they start from "0" anyway).
    try await Task.sleep(for: .seconds(3))
    cluster.recordStartMemory()
    log.print("traffic for \(Self.decimal(duration / 60)) min; faults: \(schedule.entries.count) scheduled")
    let senders = Task {
      await withTaskGroup(of: Void.self) { group in
        for (roomIndex, room) in smallRooms.enumerated() {
          for sender in 0..<senderCount {
            let target = targets[(roomIndex + sender) % targets.count]
            group.addTask {
              await traffic.publish(target: target, room: room, sender: "pub-\(room)-\(sender + 1)", rate: rate, length: 48)
            }
          }
          let target = targets[(roomIndex + 1) % targets.count]
          group.addTask {
            await traffic.chat(target: target, room: room, sender: "chat-\(room)", rate: 2, length: 48)
          }
        }
        for sender in 0..<bulkSenders {
          let target = targets[sender % targets.count]
          group.addTask {
            await traffic.publish(
              target: target, room: bulkRoom, sender: "pub-bulk-\(sender + 1)", rate: bulkRate, length: bulkBytes)
          }
        }
      }
    }

    // Faults on schedule, and progress every 30 s.
    var timeline: [(at: Double, fault: FaultSchedule.Fault?)] = schedule.entries.map { ($0.at, $0.fault) }
    timeline += stride(from: 30.0, to: duration, by: 30).map { ($0, nil) }
    timeline.sort { $0.at < $1.at }
    for (at, fault) in timeline {
      try await Self.sleep(until: start, plus: at)
      guard let fault else {
        let progress = recorder.progress()
        log.print("\(progress.sent) sent, \(progress.acknowledged) acknowledged")
        continue
      }
      let when = log.stamp()
      log.print("fault: \(fault)")
      let outcome = try await cluster.inject(fault)
      faults.append("\(when): \(fault): \(outcome)")
      log.print(outcome)
    }
    await senders.value
    let sessions = recorder.ledger().readers.count { $0.kind == .session }
    log.print("traffic stopped; draining (up to \(Self.decimal(self.drain, 0)) s)")

    let drainStart = MonotonicClock.now()
    _ = await MonotonicClock.wait(upTo: self.drain) { recorder.subscribersBehind().isEmpty }
    try await Task.sleep(for: .seconds(3))  // the last ChatStream echoes (no ids) settle
    let drainSeconds = MonotonicClock.seconds(MonotonicClock.now() - drainStart)
    let behind = recorder.subscribersBehind()
    if !behind.isEmpty { log.print("still behind after the drain: \(behind.joined(separator: ", "))") }

    var counts = ReplicaLogCounts()
    for index in cluster.replicas.indices {
      for path in cluster.logPaths(replica: index) {
        counts.add(log: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
      }
    }
    let memory = cluster.replicas.enumerated().map { index, replica in
      SoakReport.ReplicaMemory(
        index: index, startKiB: replica.startResidentKiB, endKiB: replica.process.residentKiB(),
        restarts: replica.incarnation - 1)
    }
    subscribers.cancel()

    let ledger = recorder.ledger()
    let verdict = ledger.check()
    let readers = ledger.readers
    let report = SoakReport(
      command: CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "),
      date: log.date(),
      trafficSeconds: duration,
      drainSeconds: drainSeconds,
      setup: [
        "\(self.replicas) `chat-server` replicas (`--redis-url`, `--history-size \(self.historySize)`, "
          + "`--queue-limit-bytes \(self.queueLimitBytes)`, `--access-log`) on one `redis-server` "
          + "(`--appendonly yes --appendfsync always`), each behind a proxy (`scripts/soak-proxy.py`) that "
          + "every client connects through.",
        "Rooms \(smallRooms.map { "`\($0)`" }.joined(separator: ", ")): \(self.senders) publishers at "
          + "\(Self.decimal(self.rate)) msg/s each (48-byte texts) and one ChatStream member sending 2 msg/s; "
          + "`\(bulkRoom)`: \(self.bulkSenders) publishers at \(Self.decimal(self.bulkRate)) msg/s of "
          + "\(self.bulkBytes) bytes, and \(self.slowConsumers) slow consumers (stop reading \(Self.decimal(self.stall, 0)) s of every "
          + "\(Self.decimal(self.stall + 20, 0)) s).",
        "Every room: a subscriber (`ChatClient.subscribe`, from `\"0\"`) through each replica's proxy, and "
          + "one more joining a third of the way in after the room's last acknowledged id.",
        "ChatStream promises messages only while a call lasts (no resume), so ChatStream calls are held "
          + "to order and no duplicates, not to completeness; their acknowledged sends (the echo) are in "
          + "the ledger for every subscriber.",
      ],
      faults: faults,
      verdict: verdict,
      readers: (
        readers.count { if case .subscriber = $0.kind { return true } else { return false } },
        readers.count { $0.isSlow }, sessions
      ),
      logCounts: counts,
      subscriptionErrors: errors.value,
      memory: memory)
    let markdown = report.markdown
    print(markdown)
    if let path = self.report { try markdown.write(toFile: path, atomically: true, encoding: .utf8) }
    if let first = verdict.failures.first {
      FileHandleOutput.standardError("chat-soak: FAIL: \(verdict.failures.count) ledger failures; the first: \(first)")
    }
    return verdict.passed
  }

  private static func sleep(until start: UInt64, plus seconds: Double) async throws {
    let due = start + MonotonicClock.nanoseconds(seconds: seconds)
    let now = MonotonicClock.now()
    if due > now { try await Task.sleep(for: .nanoseconds(Int64(due - now))) }
  }

  static func decimal(_ value: Double, _ digits: Int = 1) -> String {
    SoakReport.decimal(value, digits)
  }
}

/// Timestamped progress lines on standard error.
struct EventLog: Sendable {
  let started = MonotonicClock.now()

  /// `HH:MM:SS UTC (+M:SS)`: wall time and time since the soak started.
  func stamp() -> String {
    let elapsed = Int(MonotonicClock.seconds(MonotonicClock.now() - self.started))
    return "\(self.wallClock("%H:%M:%S")) UTC (+\(elapsed / 60):\(String(format: "%02d", elapsed % 60)))"
  }

  func date() -> String { self.wallClock("%Y-%m-%d %H:%M UTC") }

  func print(_ line: String) {
    FileHandleOutput.standardError("[\(self.stamp())] \(line)")
  }

  private func wallClock(_ format: String) -> String {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    var buffer = [CChar](repeating: 0, count: 64)
    let count = strftime(&buffer, buffer.count, format, &parts)
    return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

enum FileHandleOutput {
  /// Writes `line` and a newline to standard error, unbuffered.
  static func standardError(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
  }
}
