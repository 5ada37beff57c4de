import GRPCTestSupport
import Testing

/// grpc's own Python interop client (grpc 1.51.1) against `interop-server`: every case that
/// client implements and that runs on a plaintext or TLS channel. (It implements no compression
/// or soak case; its credential cases need Google's production endpoints.)
@Suite("gRPC interop: grpc's Python client against interop-server", .serialized)
struct PythonClientInteropTests {
  static let cases = [
    "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
    "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server", "custom_metadata",
    "status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service",
  ]

  @Test("The Python interop client passes the case against interop-server", arguments: Self.cases, InteropPeers.Security.allCases)
  func pythonClient(testCase: String, security: InteropPeers.Security) async throws {
    let run = try await InteropPeers.withSwiftServer(security) { port in
      try await InteropPeers.runPythonClient(testCase, port: port, security)
    }
    #expect(run.status == .exited(0), "\(run)")
    #expect(run.standardOutput.contains(InteropPeers.pythonCasePassed), "\(run)")
  }
}
