import GRPCTestSupport
import InteropTesting
import Testing

/// `interop-client` against grpc's own Python interop server (grpc 1.51.1): every case but the
/// four compression ones, which need server features that server does not have
/// (CompressedRequest's `expect_compressed` check and CompressedResponse; grpc's own runner
/// skips them for it too). The flags are given in the `--flag=value` form runners use.
@Suite("gRPC interop: interop-client against grpc's Python server", .serialized)
struct SwiftClientInteropTests {
  static let cases = InteropTestCase.allCases.filter { !$0.needsCompressionFeatures }.map(\.name)

  @Test("interop-client passes the case against the Python interop server", arguments: Self.cases, InteropPeers.Security.allCases)
  func swiftClient(testCase: String, security: InteropPeers.Security) async throws {
    let run = try await InteropPeers.withPythonServer(security) { port in
      try await InteropPeers.runSwiftClient(
        testCase, port: port, security, runnerForm: true, extraArguments: SwiftPairInteropTests.soakArguments)
    }
    #expect(run.status == .exited(0), "\(run)")
    #expect(run.standardOutput.last == "\(testCase): passed", "\(run)")
  }

  @Test(
    "interop-client names the failed assertion in one line: the compression cases against the Python server",
    arguments: [
      ("client_compressed_unary", "client_compressed_unary failed: UnaryCall probe (expect_compressed, sent uncompressed): the call succeeded; expected INVALID_ARGUMENT"),
      ("server_compressed_unary", "server_compressed_unary failed: UnaryCall (response_compressed true): the response was not compressed; expected compressed"),
      ("client_compressed_streaming", "client_compressed_streaming failed: StreamingInputCall probe (expect_compressed, sent uncompressed): the call succeeded; expected INVALID_ARGUMENT"),
      ("server_compressed_streaming", "server_compressed_streaming failed: StreamingOutputCall: response 1 was not compressed; expected compressed"),
    ])
  func failedAssertion(testCase: String, line: String) async throws {
    let run = try await InteropPeers.withPythonServer(.plaintext) { port in
      try await InteropPeers.runSwiftClient(testCase, port: port, .plaintext)
    }
    #expect(run.status == .exited(1), "\(run)")
    #expect(run.errorLines == [line], "\(run)")
  }
}
