import BenchmarkClock
import Foundation
import Glibc

/// The processes under test: Redis with an append-only file synced on every write, the
/// `chat-server` replicas on it, and a cutting proxy in front of each replica.
final class SoakCluster: @unchecked Sendable {
  // @unchecked: the processes are replaced (restarts) only by the fault task, one at a time,
  // and read by the report afterwards.

  /// Where the programs are and how the replicas run.
  struct Configuration: Sendable {
    var serverPath: String
    var redisPath: String
    var redisCLIPath: String
    var proxyPath: String
    var directory: String
    var replicas: Int
    var serverArguments: [String]
  }

  /// One replica: its port (kept across restarts), its current process, its memory.
  struct Replica {
    var port: Int
    var process: SoakProcess
    var incarnation = 1
    var startResidentKiB: Int?
  }

  let configuration: Configuration
  private(set) var redisPort = 0
  private(set) var redis: SoakProcess?
  private(set) var replicas: [Replica] = []
  private(set) var proxies: [(port: Int, process: SoakProcess)] = []
  private var redisStarts = 0

  init(_ configuration: Configuration) {
    self.configuration = configuration
  }

  var redisURL: String { "redis://127.0.0.1:\(self.redisPort)" }

  /// The proxies' ports, one per replica, in replica order: where clients connect.
  var proxyPorts: [Int] { self.proxies.map(\.port) }

  /// Starts Redis, the replicas and the proxies.
  func start() async throws {
    self.redisPort = try freeLoopbackPort()
    try await self.startRedis()
    for index in 0..<self.configuration.replicas {
      let process = try self.startReplica(index, port: 0, incarnation: 1)
      let port = try await process.waitForPort(upTo: 60)
      self.replicas.append(Replica(port: port, process: process))
    }
    for (index, replica) in self.replicas.enumerated() {
      let process = try SoakProcess(
        name: "proxy \(index + 1)", executable: "/usr/bin/env",
        arguments: ["python3", self.configuration.proxyPath, "--upstream-port", "\(replica.port)"],
        logPath: self.path("proxy-\(index + 1).log"))
      self.proxies.append((try await process.waitForPort(upTo: 30), process))
    }
  }

  /// Each replica's resident memory now, as its start figure (after warm-up).
  func recordStartMemory() {
    for index in self.replicas.indices {
      self.replicas[index].startResidentKiB = self.replicas[index].process.residentKiB()
    }
  }

  /// Injects `fault`; returns a line saying what happened.
  func inject(_ fault: FaultSchedule.Fault) async throws -> String {
    switch fault {
    case .cutConnections:
      for proxy in self.proxies { proxy.process.signal(SIGUSR1) }
      return "every proxy cut its connections"
    case .killReplica(let index):
      var replica = self.replicas[index]
      replica.process.signal(SIGKILL)
      await replica.process.waitForExit(upTo: 10)
      replica.incarnation += 1
      // Bind the same port again; a restart may race the old socket's release: retry briefly.
      var attempt = 0
      while true {
        attempt += 1
        let process = try self.startReplica(index, port: replica.port, incarnation: replica.incarnation)
        do {
          _ = try await process.waitForPort(upTo: 60)
          replica.process = process
          break
        } catch where attempt < 5 {
          await process.waitForExit(upTo: 5)
          try await Task.sleep(for: .seconds(1))
        }
      }
      self.replicas[index] = replica
      return "replica \(index + 1) killed and listening again on port \(replica.port) (pid \(replica.process.pid))"
    case .restartRedis:
      guard let redis = self.redis else { throw SoakError("Redis is not running") }
      redis.signal(SIGTERM)
      guard await redis.waitForExit(upTo: 30) else { throw SoakError("Redis did not stop within 30 s of SIGTERM") }
      try await Task.sleep(for: .seconds(2))  // an outage the replicas notice
      try await self.startRedis()
      return "Redis stopped (SIGTERM) and started again on its append-only file (pid \(self.redis!.pid))"
    }
  }

  /// Stops everything: replicas and proxies with SIGTERM, Redis last.
  func stop() async {
    for replica in self.replicas { replica.process.signal(SIGTERM) }
    for proxy in self.proxies { proxy.process.signal(SIGTERM) }
    for replica in self.replicas { await replica.process.waitForExit(upTo: 15) }
    for proxy in self.proxies { await proxy.process.waitForExit(upTo: 5) }
    if let redis = self.redis {
      redis.signal(SIGTERM)
      await redis.waitForExit(upTo: 15)
    }
  }

  /// Every log file of replica `index` (one per incarnation).
  func logPaths(replica index: Int) -> [String] {
    (1...self.replicas[index].incarnation).map { self.path("replica-\(index + 1)-\($0).log") }
  }

  private func path(_ name: String) -> String {
    self.configuration.directory + "/" + name
  }

  private func startReplica(_ index: Int, port: Int, incarnation: Int) throws -> SoakProcess {
    try SoakProcess(
      name: "replica \(index + 1)", executable: self.configuration.serverPath,
      arguments: ["--host", "127.0.0.1", "--port", "\(port)", "--redis-url", self.redisURL]
        + self.configuration.serverArguments,
      logPath: self.path("replica-\(index + 1)-\(incarnation).log"))
  }

  /// Starts Redis with persistence (AOF, fsync on every write, no RDB snapshots) in the work
  /// directory and waits until it answers PING (after loading its file).
  private func startRedis() async throws {
    self.redisStarts += 1
    let process = try SoakProcess(
      name: "redis-server", executable: self.configuration.redisPath,
      arguments: [
        "--port", "\(self.redisPort)", "--bind", "127.0.0.1", "--dir", self.configuration.directory,
        "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no",
        "--protected-mode", "no",
      ],
      logPath: self.path("redis-\(self.redisStarts).log"))
    self.redis = process
    let deadline = MonotonicClock.now() + MonotonicClock.nanoseconds(seconds: 60)
    while MonotonicClock.now() < deadline {
      guard process.isRunning else { break }
      if self.redisAnswers() { return }
      try await Task.sleep(for: .milliseconds(100))
    }
    let output = (try? String(contentsOfFile: process.logPath, encoding: .utf8)) ?? ""
    throw SoakError("redis-server did not answer PING on port \(self.redisPort); its log:\n\(output.suffix(2000))")
  }

  private func redisAnswers() -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: self.configuration.redisCLIPath)
    process.arguments = ["-p", "\(self.redisPort)", "PING"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return output.contains("PONG")
  }
}
