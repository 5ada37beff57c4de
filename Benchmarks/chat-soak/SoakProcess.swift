import BenchmarkClock
import Foundation
import Glibc

/// A child process whose standard output and error go to a log file.
///
/// Spawned with `posix_spawn`, every signal unblocked and at its default: started with
/// Foundation's `Process`, neither Redis nor the proxy reacted to SIGTERM or SIGUSR1 from the
/// soak (SIGKILL worked), so the faults did not happen.
final class SoakProcess: Sendable {
  let name: String
  let logPath: String
  let pid: Int32
  /// Set once the process was reaped.
  private let exited = LockedValue(false)

  /// Starts `executable` with `arguments`, writing its output to `logPath` (truncated).
  init(name: String, executable: String, arguments: [String], logPath: String) throws {
    self.name = name
    self.logPath = logPath
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    guard result == 0 else {
      throw SoakError("cannot start \(name) (\(executable)): \(String(cString: strerror(result)))")
    }
    self.pid = pid
  }

  /// True until the process exited (and was reaped here).
  var isRunning: Bool {
    if self.exited.value { return false }
    var status: Int32 = 0
    let result = waitpid(self.pid, &status, WNOHANG)
    guard result == self.pid || result < 0 else { return true }
    self.exited.update { $0 = true }
    return false
  }

  /// Sends `signal` to the process.
  func signal(_ signal: Int32) {
    _ = kill(self.pid, signal)
  }

  /// Waits (polling, so no thread blocks) until the process exited, at most `limit` seconds;
  /// then SIGKILLs it. Returns true if it exited by itself.
  @discardableResult
  func waitForExit(upTo limit: Double) async -> Bool {
    if await MonotonicClock.wait(upTo: limit, until: { !self.isRunning }) { return true }
    self.signal(SIGKILL)
    _ = await MonotonicClock.wait(upTo: 10, until: { !self.isRunning })
    return false
  }

  /// Waits until the first line of the log names a port (`"port":N`) and returns it.
  func waitForPort(upTo limit: Double) async throws -> Int {
    var port: Int?
    let found = await MonotonicClock.wait(upTo: limit) {
      port = Self.firstPort(in: self.logPath)
      return port != nil || !self.isRunning
    }
    guard found, let port else {
      let log = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
      throw SoakError("\(self.name) did not print its port; its output:\n\(log.suffix(2000))")
    }
    return port
  }

  /// The port named in the first line of the file at `path`.
  static func firstPort(in path: String) -> Int? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8),
      let line = text.split(separator: "\n").first,
      let range = line.range(of: "\"port\":")
    else { return nil }
    let digits = line[range.upperBound...].prefix { $0.isNumber || $0 == " " }
    return Int(digits.trimmingCharacters(in: .whitespaces))
  }

  /// The resident memory in KiB (VmRSS), nil when the process is gone.
  func residentKiB() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(self.pid)/status", encoding: .utf8) else {
      return nil
    }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
      return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" })[1])
    }
    return nil
  }
}

/// A free TCP port on loopback (bound and released: another process could take it meanwhile,
/// which only makes the start fail with a clear error).
func freeLoopbackPort() throws -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  guard fd >= 0 else { throw SoakError("socket(): \(String(cString: strerror(errno)))") }
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = 0
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &address) { pointer in
    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socket in
      bind(fd, socket, length) == 0 && getsockname(fd, socket, &length) == 0
    }
  }
  guard bound else { throw SoakError("bind(127.0.0.1:0): \(String(cString: strerror(errno)))") }
  return Int(UInt16(bigEndian: address.sin_port))
}

/// A soak that cannot go on; the message says why.
struct SoakError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
