import ArgumentParser
import Foundation
import GRPCKit
import InteropTesting

/// `interop-client`: runs one gRPC interop test case against a server, with the flags every
/// implementation's interop client takes. Exits 0 when the case passes; otherwise prints one
/// line naming the failed assertion on standard error and exits 1.
@main
struct InteropClientCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "interop-client",
    abstract: "Runs one gRPC interop test case against a server.",
    discussion: """
      Test cases: \(InteropTestCase.allCases.map(\.name).joined(separator: ", ")).
      Boolean flags also take =true or =false, as other implementations' runners pass them. \
      Exit status: 0 when the case passes; 1 when it fails (one line on standard error names \
      the assertion); 64 for bad arguments.
      """,
    version: ProjectVersion.current
  )

  static let booleanFlags: Set<String> = ["use_tls", "use_test_ca"]

  @Option(name: .customLong("server_host"), help: "The server's host name or address.")
  var serverHost = "localhost"

  @Option(name: .customLong("server_port"), help: "The server's port.")
  var serverPort: Int

  @Option(name: .customLong("test_case"), help: "The test case to run.")
  var testCase = InteropTestCase.largeUnary.name

  @Flag(name: .customLong("use_tls"), help: "Connect with TLS (ALPN h2).")
  var useTLS = false

  @Flag(name: .customLong("use_test_ca"), help: "Trust the interop test CA (ca.pem) instead of the system's roots.")
  var useTestCA = false

  @Option(
    name: .customLong("server_host_override"),
    help: "The name the server's certificate must carry (the interop test certificate: foo.test.google.fr).")
  var serverHostOverride: String?

  @Option(name: .customLong("soak_iterations"), help: "rpc_soak and channel_soak: how many calls.")
  var soakIterations = 10

  @Option(name: .customLong("soak_max_failures"), help: "Soak: how many calls may fail or be too slow.")
  var soakMaxFailures = 0

  @Option(
    name: .customLong("soak_per_iteration_max_acceptable_latency_ms"),
    help: "Soak: a slower call counts as failed.")
  var soakMaxLatencyMilliseconds = 1000

  @Option(
    name: .customLong("soak_overall_timeout_seconds"),
    help: "Soak: stop after this long (default: the acceptable latency times the iterations).")
  var soakOverallTimeoutSeconds: Int?

  @Option(name: .customLong("soak_min_time_ms_between_rpcs"), help: "Soak: the least time between call starts.")
  var soakMinimumMillisecondsBetweenCalls = 0

  // Accepted because runners pass them; no case here needs Google credentials or a service config.
  @Option(name: .customLong("default_service_account"), help: .hidden) var defaultServiceAccount: String?
  @Option(name: .customLong("oauth_scope"), help: .hidden) var oauthScope: String?
  @Option(name: .customLong("service_account_key_file"), help: .hidden) var serviceAccountKeyFile: String?
  @Option(name: .customLong("service_config_json"), help: .hidden) var serviceConfigJSON: String?

  static func main() async {
    await Self.main(InteropArguments.normalize(Array(CommandLine.arguments.dropFirst()), booleanFlags: Self.booleanFlags))
  }

  func validate() throws {
    guard InteropTestCase(rawValue: self.testCase) != nil else {
      throw ValidationError(
        "--test_case \(self.testCase) is not one of \(InteropTestCase.allCases.map(\.name).joined(separator: ", "))")
    }
    guard (1 ... 65535).contains(self.serverPort) else {
      throw ValidationError("--server_port \(self.serverPort) is not in 1...65535")
    }
    guard self.soakIterations >= 0, self.soakMaxFailures >= 0, self.soakMaxLatencyMilliseconds >= 0,
      self.soakMinimumMillisecondsBetweenCalls >= 0, (self.soakOverallTimeoutSeconds ?? 0) >= 0
    else {
      throw ValidationError("the soak flags take numbers of 0 or more")
    }
  }

  func run() async throws {
    let testCase = InteropTestCase(rawValue: self.testCase) ?? .largeUnary
    var tls: InteropChannel.TLS?
    if self.useTLS {
      tls = InteropChannel.TLS(
        trustRootsPath: self.useTestCA ? InteropCredentials.certificateAuthorityPath : nil,
        serverHostOverride: self.serverHostOverride)
    }
    let soak = SoakConfiguration(
      iterations: self.soakIterations,
      maximumFailures: self.soakMaxFailures,
      maximumAcceptableLatency: .milliseconds(self.soakMaxLatencyMilliseconds),
      overallTimeout: self.soakOverallTimeoutSeconds.map { .seconds($0) },
      minimumTimeBetweenCalls: .milliseconds(self.soakMinimumMillisecondsBetweenCalls))
    let client = InteropClient(
      channel: InteropChannel(host: self.serverHost, port: self.serverPort, tls: tls), soak: soak)
    do {
      try await client.run(testCase) { line in print(line) }
    } catch {
      let reason = "\(error)".replacingOccurrences(of: "\n", with: "\\n")
      FileHandle.standardError.write(Data("\(testCase.name) failed: \(reason)\n".utf8))
      throw ExitCode.failure
    }
    print("\(testCase.name): passed")
  }
}
