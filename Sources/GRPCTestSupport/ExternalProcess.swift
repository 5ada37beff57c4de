import Foundation

#if canImport(Glibc)
import GRPCLocking
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process that a test starts, talks to through its standard streams, and stops.
///
/// The process starts when the value is created. Its standard output is read as lines (`\n`
/// separated, a trailing `\r` dropped); its standard error is kept (the last 64 KiB) so that
/// failures can quote it. Every wait is bounded by a timeout, stretched by
/// ``TestSlowdown/factor`` in a sanitizer run. One task at a time reads lines.
/// When the value is released while the process still runs, the process is killed (SIGKILL);
/// prefer ``withExternalProcess(_:_:)``, which stops it with SIGTERM first.
///
/// ```swift
/// try await withExternalProcess(
///   ExternalProcess.python(script: "fake_h2_server.py", arguments: ["--port", "0", "--status", "503"])
/// ) { server in
///   let port = try await server.waitForListeningPort()
///   // ... talk to 127.0.0.1:port ...
/// }
/// ```
public final class ExternalProcess: Sendable {
  /// How a process ended.
  public enum ExitStatus: Sendable, Hashable, CustomStringConvertible {
    /// It exited with this code.
    case exited(Int32)
    /// A signal ended it.
    case signalled(Int32)

    public var description: String {
      switch self {
      case .exited(let code): return "exit code \(code)"
      case .signalled(let signal): return "signal \(signal)"
      }
    }
  }

  /// The executable and its arguments, for messages.
  public let commandLine: String
  /// The process ID.
  public let processIdentifier: Int32

  private let output: ProcessOutput
  private let standardInput: FileHandle

  /// Starts `executable` with `arguments`.
  ///
  /// - Parameters:
  ///   - executable: The path of the program (no `PATH` lookup; use `/usr/bin/env` for that).
  ///   - arguments: Its arguments.
  ///   - environment: Variables added to (or replacing those of) this process's environment.
  ///   - workingDirectory: Its working directory; this process's when `nil`.
  /// - Throws: ``ExternalProcessError`` with code `.launchFailed` when it cannot start.
  public init(
    executable: String,
    arguments: [String] = [],
    environment: [String: String] = [:],
    workingDirectory: String? = nil
  ) throws(ExternalProcessError) {
    let commandLine = ([executable] + arguments).joined(separator: " ")
    let child: SpawnedChild
    do {
      child = try SpawnedChild.spawn(
        executable: executable,
        arguments: arguments,
        environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
        workingDirectory: workingDirectory)
    } catch {
      throw ExternalProcessError(code: .launchFailed, message: "\(commandLine): cannot start: \(error)")
    }
    let output = ProcessOutput()
    let pid = child.processIdentifier
    Thread.detachNewThread {
      let status = SpawnedChild.waitForExit(pid)
      // Standard error is read on another thread: let it reach end of file first (briefly; a
      // grandchild may still hold the pipe), so a test that saw the exit also sees the message.
      _ = output.standardErrorEnded.wait(timeout: .now() + 2)
      output.processExited(status)
    }
    Self.startReading(FileHandle(fileDescriptor: child.standardOutput, closeOnDealloc: true)) {
      output.receiveStandardOutput($0)
    }
    Self.startReading(FileHandle(fileDescriptor: child.standardError, closeOnDealloc: true)) {
      output.receiveStandardError($0)
    }
    self.commandLine = commandLine
    self.processIdentifier = pid
    self.output = output
    self.standardInput = FileHandle(fileDescriptor: child.standardInput, closeOnDealloc: true)
  }

  deinit {
    if self.output.exitStatus == nil { signalProcess(self.processIdentifier, SIGKILL) }
  }

  /// The folder of the test Python scripts (`Sources/GRPCTestSupport/Python`).
  public static let pythonDirectory: String =
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python").path

  /// Starts a script of ``pythonDirectory`` with `python3` from `PATH` (or the interpreter named
  /// by the `PYTHON3` environment variable).
  ///
  /// - Parameters:
  ///   - script: The file name, for example `raw_h2_client.py`.
  ///   - arguments: The script's arguments.
  ///   - environment: Variables added to the environment.
  /// - Returns: The running process.
  /// - Throws: ``ExternalProcessError`` when it cannot start.
  public static func python(
    script: String,
    arguments: [String] = [],
    environment: [String: String] = [:]
  ) throws(ExternalProcessError) -> ExternalProcess {
    let interpreter = ProcessInfo.processInfo.environment["PYTHON3"] ?? "python3"
    let path = URL(fileURLWithPath: pythonDirectory).appendingPathComponent(script).path
    return try ExternalProcess(
      executable: "/usr/bin/env",
      arguments: [interpreter, "-u", path] + arguments,
      environment: ["PYTHONDONTWRITEBYTECODE": "1"].merging(environment) { $1 })
  }

  /// Everything the process wrote to standard error so far (the last 64 KiB), as UTF-8.
  public var standardErrorText: String { self.output.standardErrorText }

  /// How the process ended, or `nil` while it runs.
  public var exitStatus: ExitStatus? { self.output.exitStatus }

  /// The next line of standard output.
  ///
  /// - Parameter timeout: How long to wait for it.
  /// - Returns: The line without its newline, or `nil` once standard output has ended.
  /// - Throws: ``ExternalProcessError`` with code `.timedOut`, `.cancelled`, or `.busy` when
  ///   another task is already waiting for a line.
  public func nextLine(timeout: Duration = .seconds(10)) async throws(ExternalProcessError) -> String? {
    try await self.nextLine(within: timeout.slowed)
  }

  /// The next line of standard output within `timeout`, as given (not stretched again).
  private func nextLine(within timeout: Duration) async throws(ExternalProcessError) -> String? {
    switch await self.output.nextLine(timeout: timeout) {
    case .line(let line): return line
    case .endOfOutput: return nil
    case .timedOut:
      throw self.error(.timedOut, "no line on standard output within \(timeout)")
    case .cancelled:
      throw self.error(.cancelled, "the task waiting for a line was cancelled")
    case .busy:
      throw self.error(.busy, "another task is already waiting for a line")
    }
  }

  /// All of standard output from here to its end: its lines, each with its `\n` (a last line
  /// without one stays without; a `\r` before a `\n` is dropped, as for ``nextLine(timeout:)``).
  ///
  /// - Parameter timeout: The bound on the whole wait.
  /// - Throws: ``ExternalProcessError`` with code `.timedOut`, `.cancelled` or `.busy`.
  public func standardOutputToEnd(timeout: Duration = .seconds(10)) async throws(ExternalProcessError) -> String {
    let timeout = timeout.slowed
    let deadline = ContinuousClock.now.advanced(by: timeout)
    var text = ""
    while true {
      let remaining = deadline - ContinuousClock.now
      guard remaining > .zero else { throw self.error(.timedOut, "standard output still open after \(timeout)") }
      guard let line = try await self.nextLine(within: remaining) else { break }
      text += line
      text += "\n"
    }
    if self.output.lastLineUnterminated { text.removeLast() }
    return text
  }

  /// Reads lines until one matches `predicate`, skipping the others.
  ///
  /// - Parameters:
  ///   - timeout: The bound on the whole wait.
  ///   - predicate: Which line to return.
  /// - Returns: The first matching line.
  /// - Throws: ``ExternalProcessError`` with code `.timedOut`, or `.endOfOutput` when standard
  ///   output ends first; the message quotes standard error.
  public func waitForLine(
    timeout: Duration = .seconds(10),
    where predicate: (String) -> Bool
  ) async throws(ExternalProcessError) -> String {
    let timeout = timeout.slowed
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while true {
      let remaining = deadline - ContinuousClock.now
      guard remaining > .zero else { throw self.error(.timedOut, "no matching line within \(timeout)") }
      guard let line = try await self.nextLine(within: remaining) else {
        throw self.error(.endOfOutput, "standard output ended before a matching line")
      }
      if predicate(line) { return line }
    }
  }

  /// Reads lines until a JSON object line matches `predicate`, skipping the others.
  ///
  /// - Parameters:
  ///   - timeout: The bound on the whole wait.
  ///   - predicate: Which object to return.
  /// - Returns: The first matching object.
  /// - Throws: ``ExternalProcessError`` as ``waitForLine(timeout:where:)``.
  public func waitForJSONObject(
    timeout: Duration = .seconds(10),
    where predicate: ([String: Any]) -> Bool = { _ in true }
  ) async throws(ExternalProcessError) -> [String: Any] {
    let line = try await self.waitForLine(timeout: timeout) { line in
      Self.jsonObject(line).map(predicate) ?? false
    }
    return Self.jsonObject(line) ?? [:]
  }

  /// Waits for the line `{"event":"listening","port":N,...}` and returns `N`.
  ///
  /// - Parameter timeout: The bound on the wait.
  /// - Returns: The port.
  /// - Throws: ``ExternalProcessError`` as ``waitForLine(timeout:where:)``.
  public func waitForListeningPort(timeout: Duration = .seconds(20)) async throws(ExternalProcessError) -> Int {
    let object = try await self.waitForJSONObject(timeout: timeout) { object in
      object["event"] as? String == "listening" && object["port"] is Int
    }
    return object["port"] as? Int ?? 0
  }

  /// Writes `text` to the process's standard input.
  ///
  /// - Throws: ``ExternalProcessError`` with code `.standardInputClosed` when it cannot.
  public func writeToStandardInput(_ text: String) throws(ExternalProcessError) {
    do {
      try self.standardInput.write(contentsOf: Data(text.utf8))
    } catch {
      throw self.error(.standardInputClosed, "cannot write to standard input: \(error)")
    }
  }

  /// Closes the process's standard input (it reads end of file).
  public func closeStandardInput() {
    try? self.standardInput.close()
  }

  /// Sends `signal` unless the process has ended.
  public func send(signal: Int32) {
    if self.output.exitStatus == nil { signalProcess(self.processIdentifier, signal) }
  }

  /// Sends SIGTERM.
  public func terminate() { self.send(signal: SIGTERM) }

  /// Sends SIGKILL.
  public func kill() { self.send(signal: SIGKILL) }

  /// Waits for the process to end.
  ///
  /// - Parameter timeout: How long to wait.
  /// - Returns: How it ended.
  /// - Throws: ``ExternalProcessError`` with code `.timedOut` or `.cancelled`.
  public func waitForExit(timeout: Duration = .seconds(10)) async throws(ExternalProcessError) -> ExitStatus {
    let timeout = timeout.slowed
    switch await self.output.exit(timeout: timeout) {
    case .exited(let status): return status
    case .timedOut: throw self.error(.timedOut, "still running after \(timeout)")
    case .cancelled: throw self.error(.cancelled, "the task waiting for the exit was cancelled")
    }
  }

  /// Stops the process: SIGTERM, then SIGKILL when it is still running after `grace`.
  ///
  /// - Parameter grace: How long SIGTERM has to work.
  /// - Returns: How it ended (also when it had ended before).
  @discardableResult
  public func stop(grace: Duration = .seconds(3)) async -> ExitStatus {
    if let status = self.exitStatus { return status }
    self.terminate()
    if let status = try? await self.waitForExit(timeout: grace) { return status }
    self.kill()
    return (try? await self.waitForExit(timeout: .seconds(10))) ?? .signalled(SIGKILL)
  }

  private func error(_ code: ExternalProcessError.Code, _ message: String) -> ExternalProcessError {
    var text = "\(self.commandLine): \(message)"
    if let status = self.exitStatus { text += " (process ended: \(status))" }
    let stderr = self.standardErrorText
    if !stderr.isEmpty { text += "; standard error:\n\(stderr)" }
    return ExternalProcessError(code: code, message: text)
  }

  /// Reads `handle` on a thread of its own until end of file, which is delivered as empty data.
  /// (Blocking reads: `readabilityHandler` sometimes missed the end of file on Linux.)
  private static func startReading(_ handle: FileHandle, _ deliver: @escaping @Sendable (Data) -> Void) {
    Thread.detachNewThread {
      var buffer = [UInt8](repeating: 0, count: 64 * 1024)
      while true {
        let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
        if count > 0 {
          deliver(Data(buffer[0..<count]))
        } else if count < 0 && errno == EINTR {
          continue
        } else {
          deliver(Data())
          try? handle.close()
          return
        }
      }
    }
  }

  private static func jsonObject(_ line: String) -> [String: Any]? {
    guard line.hasPrefix("{") else { return nil }
    return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
  }
}

/// `kill(2)`, out of reach of ``ExternalProcess/kill()`` inside the class.
private func signalProcess(_ pid: Int32, _ signal: Int32) {
  _ = kill(pid, signal)
}

/// Runs `body` with a process, then stops it (``ExternalProcess/stop(grace:)``) whether `body`
/// returned or threw.
///
/// - Parameters:
///   - process: The process, usually created in the call: `withExternalProcess(try .python(...))`.
///   - body: What to do while it runs.
/// - Returns: What `body` returned.
/// - Throws: What creating the process or `body` threw.
public func withExternalProcess<Result: Sendable>(
  _ process: @autoclosure () throws -> ExternalProcess,
  _ body: (ExternalProcess) async throws -> Result
) async throws -> Result {
  let process = try process()
  do {
    let result = try await body(process)
    await process.stop()
    return result
  } catch {
    await process.stop()
    throw error
  }
}

/// Why an ``ExternalProcess`` operation failed; the message names the command and quotes the
/// process's standard error.
public struct ExternalProcessError: Error, CustomStringConvertible {
  /// The kind of failure.
  public enum Code: Sendable, Hashable {
    /// The process could not be started.
    case launchFailed
    /// A wait's timeout passed.
    case timedOut
    /// Standard output ended before the line waited for.
    case endOfOutput
    /// The waiting task was cancelled.
    case cancelled
    /// Another task was already waiting for a line.
    case busy
    /// Standard input is closed.
    case standardInputClosed
    /// The process ended or printed something other than what the caller expects.
    case unexpectedOutput
  }

  /// The kind of failure.
  public var code: Code
  /// What happened, with the command line and standard error.
  public var message: String

  public var description: String { self.message }
}

/// What a child wrote and how it ended, shared with Foundation's handler threads.
private final class ProcessOutput: Sendable {
  enum LineOutcome: Sendable {
    case line(String), endOfOutput, timedOut, cancelled, busy
  }
  enum ExitOutcome: Sendable {
    case exited(ExternalProcess.ExitStatus), timedOut, cancelled
  }

  private struct State {
    var partialLine: [UInt8] = []
    var lines: [String] = []
    var outputEnded = false
    var lastLineUnterminated = false
    var standardError: [UInt8] = []
    var exitStatus: ExternalProcess.ExitStatus?
    var nextID = 0
    var lineWaiter: (id: Int, continuation: CheckedContinuation<LineOutcome, Never>)?
    var exitWaiters: [Int: CheckedContinuation<ExitOutcome, Never>] = [:]
    // Timeouts and cancellations that came before their waiter registered.
    var earlyOutcomes: [Int: Bool] = [:]  // id: timed out (true) or cancelled (false)
  }

  private static let standardErrorLimit = 64 * 1024
  private let state = Mutex(State())

  var exitStatus: ExternalProcess.ExitStatus? { self.state.withLock { $0.exitStatus } }

  /// True once standard output ended with a line that had no newline.
  var lastLineUnterminated: Bool { self.state.withLock { $0.outputEnded && $0.lastLineUnterminated } }

  var standardErrorText: String {
    self.state.withLock { String(decoding: $0.standardError, as: UTF8.self) }
  }

  func receiveStandardOutput(_ data: Data) {
    let (waiter, outcome) = self.state.withLock { state -> (CheckedContinuation<LineOutcome, Never>?, LineOutcome) in
      if data.isEmpty {
        if !state.partialLine.isEmpty {
          state.lines.append(Self.line(state.partialLine))
          state.lastLineUnterminated = true
        }
        state.partialLine = []
        state.outputEnded = true
      } else {
        for byte in data {
          if byte == UInt8(ascii: "\n") {
            state.lines.append(Self.line(state.partialLine))
            state.partialLine = []
          } else {
            state.partialLine.append(byte)
          }
        }
      }
      guard let waiter = state.lineWaiter else { return (nil, .endOfOutput) }
      if !state.lines.isEmpty {
        state.lineWaiter = nil
        return (waiter.continuation, .line(state.lines.removeFirst()))
      }
      if state.outputEnded {
        state.lineWaiter = nil
        return (waiter.continuation, .endOfOutput)
      }
      return (nil, .endOfOutput)
    }
    waiter?.resume(returning: outcome)
  }

  /// Signalled once standard error reached end of file.
  let standardErrorEnded = DispatchSemaphore(value: 0)

  func receiveStandardError(_ data: Data) {
    if data.isEmpty { self.standardErrorEnded.signal() }
    self.state.withLock { state in
      state.standardError.append(contentsOf: data)
      if state.standardError.count > Self.standardErrorLimit {
        state.standardError.removeFirst(state.standardError.count - Self.standardErrorLimit)
      }
    }
  }

  func processExited(_ status: ExternalProcess.ExitStatus) {
    let waiters = self.state.withLock { state in
      state.exitStatus = status
      defer { state.exitWaiters = [:] }
      return Array(state.exitWaiters.values)
    }
    for waiter in waiters { waiter.resume(returning: .exited(status)) }
  }

  func nextLine(timeout: Duration) async -> LineOutcome {
    let id = self.state.withLock { state in
      state.nextID += 1
      return state.nextID
    }
    let timer = Task {
      do { try await Task.sleep(for: timeout) } catch { return }
      self.endLineWait(id: id, timedOut: true)
    }
    defer { timer.cancel() }
    return await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<LineOutcome, Never>) in
        let immediate = self.state.withLock { state -> LineOutcome? in
          if !state.lines.isEmpty { return .line(state.lines.removeFirst()) }
          if state.outputEnded { return .endOfOutput }
          if let timedOut = state.earlyOutcomes.removeValue(forKey: id) {
            return timedOut ? .timedOut : .cancelled
          }
          if state.lineWaiter != nil { return .busy }
          state.lineWaiter = (id, continuation)
          return nil
        }
        if let immediate { continuation.resume(returning: immediate) }
      }
    } onCancel: {
      self.endLineWait(id: id, timedOut: false)
    }
  }

  func exit(timeout: Duration) async -> ExitOutcome {
    let id = self.state.withLock { state in
      state.nextID += 1
      return state.nextID
    }
    let timer = Task {
      do { try await Task.sleep(for: timeout) } catch { return }
      self.endExitWait(id: id, timedOut: true)
    }
    defer { timer.cancel() }
    return await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<ExitOutcome, Never>) in
        let immediate = self.state.withLock { state -> ExitOutcome? in
          if let status = state.exitStatus { return .exited(status) }
          if let timedOut = state.earlyOutcomes.removeValue(forKey: id) {
            return timedOut ? .timedOut : .cancelled
          }
          state.exitWaiters[id] = continuation
          return nil
        }
        if let immediate { continuation.resume(returning: immediate) }
      }
    } onCancel: {
      self.endExitWait(id: id, timedOut: false)
    }
  }

  private func endLineWait(id: Int, timedOut: Bool) {
    let waiter = self.state.withLock { state -> CheckedContinuation<LineOutcome, Never>? in
      guard let waiter = state.lineWaiter, waiter.id == id else {
        state.earlyOutcomes[id] = timedOut
        return nil
      }
      state.lineWaiter = nil
      return waiter.continuation
    }
    waiter?.resume(returning: timedOut ? .timedOut : .cancelled)
  }

  private func endExitWait(id: Int, timedOut: Bool) {
    let waiter = self.state.withLock { state -> CheckedContinuation<ExitOutcome, Never>? in
      guard let waiter = state.exitWaiters.removeValue(forKey: id) else {
        state.earlyOutcomes[id] = timedOut
        return nil
      }
      return waiter
    }
    waiter?.resume(returning: timedOut ? .timedOut : .cancelled)
  }

  private static func line(_ bytes: [UInt8]) -> String {
    var bytes = bytes[...]
    if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
    return String(decoding: bytes, as: UTF8.self)
  }
}
