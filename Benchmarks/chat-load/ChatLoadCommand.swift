import ArgumentParser
import ChatAPI
import GRPCKit
import GRPCKitNGHTTP2
import Glibc
import NIOCore
import NIOPosix

/// `chat-load`: the project's ChatService load client, a drop-in for bench-peers' `chatload`
/// (same flags, workloads, measurement window, histogram, JSON line and exits), built on the
/// project's own client: one `NGHTTP2ClientTransport` per connection, each on its own event
/// loop, with the stream tasks of a connection running on that loop.
///
/// ```
/// chat-load --target 127.0.0.1:50051 --mode stream --conns 4 --streams 16 --duration 5
/// chat-load --target 127.0.0.1:50051,127.0.0.1:50052 --mode fanout --conns 2   # listeners on two replicas
/// ```
///
/// Beyond chatload: `--target` takes a comma-separated list, and connection `c` goes to target
/// `c % count`, so a fanout's listeners spread over several replicas sharing rooms (the sender
/// stays on connection 0, the first target).
@main
struct ChatLoadCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chat-load",
    abstract: "ChatService/ChatStream load client (chatload's flags); prints one JSON line."
  )

  @Option(help: "The server, HOST:PORT; a comma-separated list spreads the connections over them.")
  var target: String
  @Option(help: "pingpong | stream | fanout") var mode: LoadMode = .pingpong
  @Option(help: "Connections (HTTP/2 connections, one transport each).") var conns: Int = 1
  @Option(help: "Streams per connection (pingpong, stream).") var streams: Int = 1
  @Option(help: "Listeners in room bench-fanout (fanout).") var listeners: Int = 100
  @Option(help: "Messages in flight per stream (stream mode).") var window: Int = 64
  @Option(help: "Event-loop threads; 0: min(conns, CPUs).") var threads: Int = 0
  @Option(help: "Measured seconds.") var duration: Double = 5
  @Option(help: "Warm-up seconds before the measurement.") var warmup: Double = 1
  @Option(help: "Bytes in the message field.") var payload: Int = 16

  /// Parses like chatload: usage errors exit 2, help exits 0.
  static func main() async {
    let command: Self
    do {
      command = try Self.parse()
    } catch {
      if Self.exitCode(for: error) == .success { Self.exit(withError: error) }
      LoadDiagnostics.printError(Self.message(for: error))
      LoadDiagnostics.writeToStandardError(Self.usageString() + "\n")
      Glibc.exit(2)
    }
    await command.runLoad()
  }

  func validate() throws {
    guard self.conns >= 1, self.streams >= 1, self.window >= 1, self.duration > 0 else {
      throw ValidationError("--conns, --streams, --window and --duration must be positive")
    }
    guard self.warmup >= 0, self.payload >= 0, self.threads >= 0 else {
      throw ValidationError("--warmup, --payload and --threads must not be negative")
    }
    if self.mode == .fanout && self.listeners < 1 { throw ValidationError("--listeners must be positive") }
    _ = try self.endpoints()
  }

  /// The `--target` list as hosts and ports.
  private func endpoints() throws -> [(host: String, port: Int)] {
    try self.target.split(separator: ",").map { target in
      guard let colon = target.lastIndex(of: ":"),
        let port = Int(target[target.index(after: colon)...]), (1...65535).contains(port)
      else { throw ValidationError("--target must be HOST:PORT[,HOST:PORT...], not \(self.target)") }
      var host = String(target[..<colon])
      if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
      return (host, port)
    }
  }

  private func runLoad() async -> Never {
    guard let endpoints = try? self.endpoints(), !endpoints.isEmpty else {
      LoadDiagnostics.fail("bad --target \(self.target)")
    }
    let window = self.mode == .stream ? self.window : 1
    let cpus = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    let threads = min(self.threads > 0 ? self.threads : max(1, min(self.conns, cpus)), self.conns)

    // Connection c runs on loop c % threads, and so do its streams' tasks.
    let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    let loops = Array(group.makeIterator())
    let executors = loops.map { EventLoopTaskExecutor(eventLoop: $0) }
    var configuration = NGHTTP2ClientConfiguration()
    configuration.connectTimeout = .seconds(5)
    let clients = (0..<self.conns).map { connection in
      let (host, port) = endpoints[connection % endpoints.count]
      let transport = NGHTTP2ClientTransport(
        host: host, port: port, configuration: configuration, eventLoopGroup: loops[connection % threads])
      return ChatService.Client(wrapping: GRPCClient(transport: transport))
    }

    let schedule = LoadSchedule(warmup: self.warmup, duration: self.duration)
    let diagnostics = LoadDiagnostics()
    let message = ChatMessage(user: "bench", message: String(repeating: "x", count: self.payload))
    let streams = StreamPlan.workload(
      mode: self.mode, connections: self.conns, streams: self.streams, listeners: self.listeners
    ).map { plan in
      LoadStream(
        plan: plan, client: clients[plan.connection], message: message, window: window,
        schedule: schedule, diagnostics: diagnostics, target: self.target)
    }

    let run = Task {
      await withTaskGroup(of: StreamTally.self, returning: StreamTally.self) { group in
        for stream in streams {
          group.addTask(executorPreference: executors[stream.plan.connection % threads]) { await stream.run() }
        }
        return await group.reduce(into: StreamTally()) { $0.merge($1) }
      }
    }
    // Streams still open `drain` after the end are cancelled (and count as errors).
    let watchdog = Task {
      await LoadSchedule.sleep(until: schedule.end + schedule.drain)
      if !Task.isCancelled { run.cancel() }
    }
    let tally = await run.value
    watchdog.cancel()

    let report = LoadReport(
      mode: self.mode, connections: self.conns, streams: self.streams, listeners: self.listeners,
      payload: self.payload, duration: self.duration, threads: threads, tally: tally)
    print(report.line)
    fflush(nil)
    _exit(0)  // transports and loops need no orderly teardown
  }
}
