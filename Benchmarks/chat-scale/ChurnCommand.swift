import BenchmarkClock
import ArgumentParser
import ChatAPI
import GRPCKit
import GRPCKitNGHTTP2
import GRPCLocking
import Glibc
import NIOCore
import NIOPosix

/// `chat-scale churn`: opens `--rate` connections per second for `--duration` seconds, each
/// making one ChatStream call (send one message, half-close, read to the end: the echo, then
/// `OK`) and closing; samples the server's resident memory every second during the churn and
/// for `--cooldown` seconds after it.
///
/// At most `--in-flight` connections are open at once; when the server or this client cannot
/// keep up, starts fall behind the schedule and the summary shows the rate reached.
struct ChurnCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "churn",
    abstract: "Connection churn: memory every second while connections open and close."
  )

  @OptionGroup var server: ServerOptions

  @Option(help: "Connections started per second.")
  var rate = 1_000

  @Option(help: "Seconds of churn.")
  var duration = 60

  @Option(help: "Seconds of sampling after the churn.")
  var cooldown = 10

  @Option(help: "Connections open at once, at most.")
  var inFlight = 256

  @Option(help: "Rooms the calls are spread over (room churn-<i mod rooms>).")
  var rooms = 100

  func validate() throws {
    guard self.rate >= 1, self.duration >= 20, self.cooldown >= 0, self.inFlight >= 1,
      self.rooms >= 1
    else {
      throw ValidationError(
        "--rate, --in-flight and --rooms must be positive, --duration at least 20, "
          + "--cooldown not negative"
      )
    }
  }

  func run() async throws {
    do {
      let report = try await self.measure()
      print(report.markdown)
      if let path = self.server.json { try ReportFile.append(report.json, to: path) }
      fflush(nil)
      _exit(0)
    } catch {
      FileHandleOutput.standardError("chat-scale churn: \(error)")
      _exit(1)
    }
  }

  private func measure() async throws -> ChurnReport {
    let (host, port) = try self.server.endpoint()
    let memory = ServerMemory(pid: self.server.serverPID)
    let threads = self.server.threads
    let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    let loops = Array(group.makeIterator())
    let executors = loops.map { EventLoopTaskExecutor(eventLoop: $0) }
    let configuration = {
      var configuration = NGHTTP2ClientConfiguration()
      configuration.connectTimeout = .seconds(10)
      return configuration
    }()
    let tally = ChurnTally()
    let total = self.rate * self.duration
    let rooms = self.rooms

    let before = try await memory.settled()
    let start = MonotonicClock.now()
    let sampler = Task { try await Self.sample(memory, from: start, tally: tally) }

    await withDiscardingTaskGroup { group in
      for index in 0 ..< total {
        let due = start + UInt64(index) * 1_000_000_000 / UInt64(self.rate)
        let now = MonotonicClock.now()
        if due > now + 1_000_000 { try? await Task.sleep(for: .nanoseconds(Int64(due - now))) }
        while tally.open >= self.inFlight { try? await Task.sleep(for: .milliseconds(1)) }
        tally.started()
        group.addTask(executorPreference: executors[index % threads]) {
          let transport = NGHTTP2ClientTransport(
            host: host,
            port: port,
            configuration: configuration,
            eventLoopGroup: loops[index % threads]
          )
          let failure = await Self.call(index, room: "churn-\(index % rooms)", transport: transport)
          transport.close()
          tally.finished(index, failure: failure)
        }
      }
    }
    let churnEnd = MonotonicClock.now()
    try await Task.sleep(for: .seconds(self.cooldown))
    sampler.cancel()
    let samples = try await sampler.value
    let after = try await memory.settled()

    return ChurnReport(
      server: self.server.serverName,
      rate: self.rate,
      duration: self.duration,
      connections: tally.completed,
      failures: tally.failureCount,
      firstFailures: tally.failures,
      elapsed: churnEnd - start,
      before: before,
      samples: samples,
      churnSeconds: Int(MonotonicClock.seconds(churnEnd - start).rounded(.down)),
      after: after
    )
  }

  /// One connection's call; returns why it failed, or nil.
  private static func call(
    _ index: Int,
    room: String,
    transport: NGHTTP2ClientTransport
  ) async
    -> String?
  {
    let client = ChatService.Client(wrapping: GRPCClient(transport: transport))
    let user = "churn-\(index)"
    let options = CallOptions(timeout: .seconds(30), metadata: ["chat-room": .string(room)])
    do {
      let echoed = try await client.chatStream(options: options) { writer, responses in
        try await writer.write(ChatMessage(user: user, message: "x"))
        writer.finish()
        var echoed = false
        for try await message in responses where message.user == user { echoed = true }
        return echoed
      }
      return echoed ? nil : "ended OK without its echo"
    } catch let error as RPCError {
      return "\(error.code): \(error.message)"
    } catch {
      return "\(error)"
    }
  }

  /// Reads the server's memory at each whole second after `start` until cancelled.
  private static func sample(
    _ memory: ServerMemory,
    from start: UInt64,
    tally: ChurnTally
  )
    async throws -> [ChurnReport.Sample]
  {
    var samples: [ChurnReport.Sample] = []
    var second: UInt64 = 1
    while !Task.isCancelled {
      let due = start + second * 1_000_000_000
      let now = MonotonicClock.now()
      if due > now { try? await Task.sleep(for: .nanoseconds(Int64(due - now))) }
      if Task.isCancelled { break }
      guard let reading = memory.sample() else {
        throw ScaleError("server process \(memory.pid) is gone after \(second) s")
      }
      samples.append(
        ChurnReport.Sample(second: Int(second), memory: reading, completed: tally.completed)
      )
      second += 1
    }
    return samples
  }
}

/// Counts of the churn's connections, shared by the calls and the driver.
final class ChurnTally: Sendable {
  private struct State {
    var open = 0
    var completed = 0
    var failureCount = 0
    var failures: [String] = []
  }

  private let state = Mutex(State())

  var open: Int { self.state.withLock { $0.open } }
  var completed: Int { self.state.withLock { $0.completed } }
  var failureCount: Int { self.state.withLock { $0.failureCount } }
  var failures: [String] { self.state.withLock { $0.failures } }

  func started() {
    self.state.withLock { $0.open += 1 }
  }

  func finished(_ index: Int, failure: String?) {
    self.state.withLock { state in
      state.open -= 1
      state.completed += 1
      guard let failure else { return }
      state.failureCount += 1
      if state.failures.count < 5 { state.failures.append("connection \(index): \(failure)") }
    }
  }
}
