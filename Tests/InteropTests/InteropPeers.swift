import Foundation
import GRPCTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The programs of the interop tests: this package's `interop-server` and `interop-client`, and
/// the gRPC project's own Python interop server and client (grpc 1.51.1), which
/// `scripts/interop-peers.sh` fetches into `.build-interop/` on first use.
enum InteropPeers {
  /// Cleartext or TLS with the interop test credentials.
  enum Security: String, CaseIterable, Sendable, CustomStringConvertible {
    case plaintext
    case tls

    var description: String { self.rawValue }
  }

  /// A peer that could not be prepared or started.
  struct InteropPeerError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
      self.description = description
    }
  }

  /// How a client run ended, and everything it printed.
  struct ClientRun: CustomStringConvertible {
    var commandLine: String
    var status: ExternalProcess.ExitStatus
    var standardOutput: [String]
    var standardError: String

    var description: String {
      "\(self.commandLine)\nended with \(self.status)\nstdout:\n\(self.standardOutput.joined(separator: "\n"))\nstderr:\n\(self.standardError)"
    }

    /// The lines on standard error, without empty ones.
    var errorLines: [String] { self.standardError.split(separator: "\n").map(String.init) }
  }

  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  private static let prepared = Task<String, any Error> {
    let script = "\(Self.packageRoot)/scripts/interop-peers.sh"
    let process = try ExternalProcess(executable: "/bin/bash", arguments: [script])
    let directory = try await process.nextLine(timeout: .seconds(300))
    let status = try await process.waitForExit(timeout: .seconds(60))
    guard status == .exited(0), let directory else {
      throw InteropPeerError("\(script) ended with \(status): \(process.standardErrorText)")
    }
    return directory
  }

  /// The folder the Python interop programs run from (fetched and generated once per process).
  static func pythonDirectory() async throws -> String {
    try await Self.prepared.value
  }

  /// The Python interpreter's path lookup, as `ExternalProcess.python` does it.
  private static var python: [String] {
    [ProcessInfo.processInfo.environment["PYTHON3"] ?? "python3", "-u"]
  }

  // MARK: Servers

  /// Runs `body` with `interop-server` listening on a free port.
  static func withSwiftServer<Result: Sendable>(
    _ security: Security,
    _ body: (Int) async throws -> Result
  ) async throws -> Result {
    let arguments = ["--port", "0"] + (security == .tls ? ["--use_tls"] : [])
    return try await withExternalProcess(
      try ExternalProcess(executable: try builtProduct("interop-server"), arguments: arguments)
    ) { server in
      try await body(try await server.waitForListeningPort())
    }
  }

  /// Runs `body` with grpc's Python interop server listening on a free port.
  static func withPythonServer<Result: Sendable>(
    _ security: Security,
    _ body: (Int) async throws -> Result
  ) async throws -> Result {
    let directory = try await Self.pythonDirectory()
    // The port is chosen before the server binds it, so another test's server can take it in
    // between (the Python server then fails to bind, or runs without a port): that start is
    // retried on another port, up to three times.
    for attempt in 1...3 {
      let port = try await LoopbackPort.unused()
      let arguments = Self.python + ["-m", "tests.interop.server", "--port=\(port)"]
        + (security == .tls ? ["--use_tls=true"] : [])
      do {
        return try await withExternalProcess(
          try ExternalProcess(
            executable: "/usr/bin/env", arguments: arguments,
            environment: ["PYTHONDONTWRITEBYTECODE": "1"], workingDirectory: directory)
        ) { server in
          try await Self.waitUntilListening(port: port, server: server)
          return try await body(port)
        }
      } catch is PortTaken where attempt < 3 {
        continue
      }
    }
    throw InteropPeerError("unreachable: the last attempt returns or throws")
  }

  /// The Python server could not have the port it was given: another process listens there.
  private struct PortTaken: Error {}

  /// Waits until the server process itself listens on `port` (the Python server prints nothing
  /// when it is ready; a probe connection alone could reach another test's server on that port).
  private static func waitUntilListening(port: Int, server: ExternalProcess) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    var foreignSince: ContinuousClock.Instant?
    while ContinuousClock.now < deadline {
      if let status = server.exitStatus {
        if Self.accepts(port: port) { throw PortTaken() }
        throw InteropPeerError("\(server.commandLine) ended with \(status): \(server.standardErrorText)")
      }
      if Self.listens(pid: server.processIdentifier, port: port) { return }
      if Self.accepts(port: port) {
        // Someone else listens there; give the server a moment to fail or to share it, then
        // start over on another port.
        let since = foreignSince ?? ContinuousClock.now
        foreignSince = since
        if ContinuousClock.now - since > .seconds(3) { throw PortTaken() }
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    throw InteropPeerError("\(server.commandLine) listened on no port in 30 s: \(server.standardErrorText)")
  }

  /// True when process `pid` holds a listening TCP socket on `port` (IPv4 or IPv6): the socket
  /// inodes listening on the port in /proc/net/tcp{,6}, among the process's descriptors.
  private static func listens(pid: Int32, port: Int) -> Bool {
    let portHex = String(format: "%04X", port)
    var inodes: Set<String> = []
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
      guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
      for line in text.split(separator: "\n").dropFirst() {
        let columns = line.split(separator: " ", omittingEmptySubsequences: true)
        // local_address is ADDR:PORT in hex; state 0A is LISTEN; column 9 is the inode.
        guard columns.count > 9, columns[1].hasSuffix(":" + portHex), columns[3] == "0A" else { continue }
        inodes.insert(String(columns[9]))
      }
    }
    guard !inodes.isEmpty,
      let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
    else { return false }
    return descriptors.contains { descriptor in
      guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)")
      else { return false }
      return target.hasPrefix("socket:[") && inodes.contains(String(target.dropFirst(8).dropLast()))
    }
  }

  private static func accepts(port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }

  // MARK: Clients

  /// Runs `interop-client` for one case; TLS flags in the `--flag=value` form runners use when
  /// `runnerForm`, bare otherwise.
  static func runSwiftClient(
    _ testCase: String,
    port: Int,
    _ security: Security,
    runnerForm: Bool = false,
    extraArguments: [String] = []
  ) async throws -> ClientRun {
    var arguments = ["--server_host=127.0.0.1", "--server_port=\(port)", "--test_case=\(testCase)"]
    if security == .tls {
      arguments +=
        runnerForm
        ? ["--use_tls=true", "--use_test_ca=true", "--server_host_override=foo.test.google.fr"]
        : ["--use_tls", "--use_test_ca", "--server_host_override", "foo.test.google.fr"]
    }
    let process = try ExternalProcess(
      executable: try builtProduct("interop-client"), arguments: arguments + extraArguments)
    return try await Self.finish(process)
  }

  /// The line the Python client prints once its case passed.
  static let pythonCasePassed = "interop case passed"

  /// Runs grpc's client module (`tests.interop.client`, unchanged) and prints
  /// ``pythonCasePassed`` once the case returned. It then leaves with `os._exit`: grpc Python can
  /// hang in the interpreter's shutdown (threads and channels torn down at exit, grpc/grpc#5084
  /// and its kin), after the case is over, and that is no part of what is tested here. A run
  /// still going after 90 s prints every thread's stack to standard error and exits 1, so a hang
  /// inside the case names the line it hangs on.
  private static let pythonClientRunner = """
    import faulthandler, os, sys
    faulthandler.dump_traceback_later(90, exit=True)
    from tests.interop import client
    client.test_interoperability()
    print("\(pythonCasePassed)", flush=True)
    sys.stderr.flush()
    os._exit(0)
    """

  /// Runs grpc's Python interop client for one case.
  static func runPythonClient(_ testCase: String, port: Int, _ security: Security) async throws -> ClientRun {
    let directory = try await Self.pythonDirectory()
    var arguments = Self.python + [
      "-c", Self.pythonClientRunner, "--server_host=127.0.0.1", "--server_port=\(port)", "--test_case=\(testCase)",
    ]
    if security == .tls {
      arguments += ["--use_tls=true", "--use_test_ca=true", "--server_host_override=foo.test.google.fr"]
    }
    let process = try ExternalProcess(
      executable: "/usr/bin/env", arguments: arguments,
      environment: ["PYTHONDONTWRITEBYTECODE": "1"], workingDirectory: directory)
    return try await Self.finish(process)
  }

  /// Reads the client's output to its end and waits for it to exit (2 minutes at most).
  private static func finish(_ process: ExternalProcess) async throws -> ClientRun {
    var lines: [String] = []
    while let line = try await process.nextLine(timeout: .seconds(120)) { lines.append(line) }
    let status = try await process.waitForExit(timeout: .seconds(30))
    return ClientRun(
      commandLine: process.commandLine, status: status, standardOutput: lines,
      standardError: process.standardErrorText)
  }
}
