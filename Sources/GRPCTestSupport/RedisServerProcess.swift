import Foundation
import GRPCLocking
import NIOCore
import NIOPosix

/// A `redis-server` that a test starts on a loopback port and stops, restarts or kills.
///
/// It runs `redis-server --port N --bind 127.0.0.1 --save "" --appendonly no` plus the extra
/// arguments (no persistence: a restart comes back empty), in a temporary directory, and is
/// ready once it answers `PING` (an error reply such as `NOAUTH` counts). Restarts keep the port
/// and the arguments.
///
/// ```swift
/// try await withRedisServer(arguments: ["--requirepass", "s3cret"]) { redis in
///   let configuration = try RedisConfiguration(url: "redis://:s3cret@\(redis.address)")
///   // ...
///   try await redis.restart()
/// }
/// ```
public final class RedisServerProcess: Sendable {
  /// The port it listens on (127.0.0.1).
  public let port: Int
  /// The arguments after the standard ones.
  public let extraArguments: [String]
  private let directory: String
  private let process: Mutex<ExternalProcess?>

  private init(port: Int, extraArguments: [String], directory: String) {
    self.port = port
    self.extraArguments = extraArguments
    self.directory = directory
    self.process = Mutex(nil)
  }

  /// `127.0.0.1:PORT`.
  public var address: String { "127.0.0.1:\(self.port)" }

  /// `redis://127.0.0.1:PORT`.
  public var url: String { "redis://\(self.address)" }

  /// Starts a server and waits until it answers `PING`.
  ///
  /// - Parameters:
  ///   - port: The port; a free one (``LoopbackPort/unused()``) when `nil`.
  ///   - arguments: Extra arguments, such as `["--requirepass", "secret"]`.
  /// - Returns: The running server.
  /// - Throws: When it does not start or answer within 10 s (the message quotes its output).
  public static func start(
    port: Int? = nil,
    arguments: [String] = []
  ) async throws -> RedisServerProcess {
    let directory = try TestCertificates.makeTemporaryDirectory()
    var chosen = port
    if chosen == nil { chosen = try await LoopbackPort.unused() }
    let server = RedisServerProcess(
      port: chosen ?? 0,
      extraArguments: arguments,
      directory: directory
    )
    try await server.launch()
    return server
  }

  /// Whether the process runs.
  public var isRunning: Bool {
    self.process.withLock { $0?.exitStatus == nil && $0 != nil }
  }

  /// Stops it with SIGTERM (SIGKILL after 5 s) and waits for the exit.
  public func stop() async {
    guard let process = self.process.withLock({ $0 }) else { return }
    process.send(signal: SIGCONT)  // a paused server handles SIGTERM only once continued
    await process.stop(grace: .seconds(5))
  }

  /// Kills it with SIGKILL (no shutdown: clients see their connections reset) and waits.
  public func kill() async {
    guard let process = self.process.withLock({ $0 }) else { return }
    process.kill()
    _ = try? await process.waitForExit(timeout: .seconds(10))
  }

  /// Freezes it with SIGSTOP: the kernel still accepts connections, but nothing is answered
  /// (a hung server). ``resume()`` continues it.
  public func pause() {
    self.process.withLock { $0 }?.send(signal: SIGSTOP)
  }

  /// Continues it after ``pause()`` with SIGCONT.
  public func resume() {
    self.process.withLock { $0 }?.send(signal: SIGCONT)
  }

  /// Starts it again on the same port with the same arguments (stopping it first if it runs),
  /// and waits until it answers `PING`. It comes back empty.
  ///
  /// - Throws: As ``start(port:arguments:)``.
  public func restart() async throws {
    await self.stop()
    try await self.launch()
  }

  private func launch() async throws {
    let arguments =
      [
        "redis-server", "--port", "\(self.port)", "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no",
        "--dir", self.directory,
      ] + self.extraArguments
    let process = try ExternalProcess(executable: "/usr/bin/env", arguments: arguments)
    self.process.withLock { $0 = process }
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
      if let status = process.exitStatus {
        throw RedisServerProcessError(
          message: "\(process.commandLine) ended (\(status)): \(process.standardErrorText)"
        )
      }
      if await Self.answersPing(port: self.port) { return }
      try await Task.sleep(for: .milliseconds(20))
    }
    await process.stop()
    throw RedisServerProcessError(
      message:
        "\(process.commandLine) did not answer PING within 10 s: \(process.standardErrorText)"
    )
  }

  /// Sends `PING` to 127.0.0.1:`port`: true if any reply (`+PONG`, `-NOAUTH ...`) comes back.
  private static func answersPing(port: Int) async -> Bool {
    do {
      let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connectTimeout(.milliseconds(500))
        .connect(host: "127.0.0.1", port: port) { channel in
          channel.eventLoop.makeCompletedFuture {
            try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
          }
        }
      return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(string: "PING\r\n"))
        for try await chunk in inbound {
          return chunk.readableBytesView.first == UInt8(ascii: "+")
            || chunk.readableBytesView.first == UInt8(ascii: "-")
        }
        return false
      }
    } catch {
      return false
    }
  }
}

/// Runs `body` with a new `redis-server`, then stops it whether `body` returned or threw.
///
/// - Parameters:
///   - port: The port; a free one when `nil`.
///   - arguments: Extra `redis-server` arguments.
///   - body: What to do while it runs.
/// - Returns: What `body` returned.
/// - Throws: What starting the server or `body` threw.
public func withRedisServer<Result: Sendable>(
  port: Int? = nil,
  arguments: [String] = [],
  _ body: (RedisServerProcess) async throws -> Result
) async throws -> Result {
  let server = try await RedisServerProcess.start(port: port, arguments: arguments)
  do {
    let result = try await body(server)
    await server.stop()
    return result
  } catch {
    await server.stop()
    throw error
  }
}

/// Why a ``RedisServerProcess`` did not start; the message quotes its output.
public struct RedisServerProcessError: Error, CustomStringConvertible {
  /// What happened.
  public var message: String

  public var description: String { self.message }
}
