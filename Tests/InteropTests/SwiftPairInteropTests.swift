import GRPCTestSupport
import InteropTesting
import Testing

/// `interop-client` against `interop-server`: every case, plaintext and TLS.
@Suite("gRPC interop: interop-client against interop-server", .serialized)
struct SwiftPairInteropTests {
  /// Ten soak calls, as the descriptions' default, with room for a loaded CI machine: a call
  /// fails the soak at 5 s instead of 1 s.
  static let soakArguments = ["--soak_iterations=10", "--soak_per_iteration_max_acceptable_latency_ms=5000"]

  @Test("interop-client passes the case against interop-server", arguments: InteropTestCase.allCases, InteropPeers.Security.allCases)
  func pair(testCase: InteropTestCase, security: InteropPeers.Security) async throws {
    let run = try await InteropPeers.withSwiftServer(security) { port in
      try await InteropPeers.runSwiftClient(testCase.name, port: port, security, extraArguments: Self.soakArguments)
    }
    #expect(run.status == .exited(0), "\(run)")
    #expect(run.standardOutput.last == "\(testCase.name): passed", "\(run)")
  }

  @Test("The soak cases log every call and their latencies")
  func soakLog() async throws {
    let run = try await InteropPeers.withSwiftServer(.plaintext) { port in
      try await InteropPeers.runSwiftClient("channel_soak", port: port, .plaintext, extraArguments: ["--soak_iterations=3"])
    }
    #expect(run.status == .exited(0), "\(run)")
    let iterations = run.standardOutput.filter { $0.hasPrefix("soak iteration: ") }
    #expect(iterations.count == 3, "\(run)")
    #expect(
      iterations.allSatisfy {
        $0.wholeMatch(of: /soak iteration: \d+ elapsed_ms: \d+ peer: \S+ succeeded/) != nil
      }, "\(run)")
    #expect(run.standardOutput.contains { $0.hasPrefix("soak latencies (ms): p50 ") }, "\(run)")
  }

  @Test("A soak whose calls are too slow fails, naming the count and the limit")
  func slowSoakFails() async throws {
    let run = try await InteropPeers.withSwiftServer(.plaintext) { port in
      try await InteropPeers.runSwiftClient(
        "rpc_soak", port: port, .plaintext,
        extraArguments: [
          "--soak_iterations=2", "--soak_per_iteration_max_acceptable_latency_ms=0", "--soak_overall_timeout_seconds=60",
        ])
    }
    #expect(run.status == .exited(1), "\(run)")
    #expect(run.errorLines == ["rpc_soak failed: rpc_soak: 2 calls failed or took over 0 ms; at most 0 allowed"], "\(run)")
  }

  @Test("An unknown test case is a usage error that lists the cases")
  func unknownCase() async throws {
    let run = try await InteropPeers.runSwiftClient("no_such_case", port: 1, .plaintext)
    #expect(run.status == .exited(64), "\(run)")
    #expect(run.standardError.contains("--test_case no_such_case is not one of empty_unary, large_unary"), "\(run)")
  }
}
