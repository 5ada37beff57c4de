import Foundation
import InteropTesting
import Testing

/// The committed test data is grpc's, unchanged, and the command lines of other runners parse.
@Suite("gRPC interop: protos, credentials and flags")
struct InteropFixtureTests {
  @Test(
    "The test protos under Protos/grpc/testing are grpc 1.51.1's, byte for byte",
    arguments: ["empty.proto", "messages.proto", "test.proto"])
  func protosVerbatim(file: String) async throws {
    let upstream = try await InteropPeers.pythonDirectory() + "/src/proto/grpc/testing/\(file)"
    let committed = InteropPeers.packageRoot + "/Protos/grpc/testing/\(file)"
    #expect(FileManager.default.contentsEqual(atPath: committed, andPath: upstream), "\(committed) differs from \(upstream)")
  }

  @Test(
    "The bundled credentials are grpc's interop test credentials",
    arguments: [
      ("ca.pem", InteropCredentials.certificateAuthorityPath),
      ("server1.pem", InteropCredentials.serverCertificatePath),
      ("server1.key", InteropCredentials.serverKeyPath),
    ])
  func credentials(file: String, bundled: String) async throws {
    let upstream = try await InteropPeers.pythonDirectory() + "/tests/interop/credentials/\(file)"
    #expect(FileManager.default.contentsEqual(atPath: bundled, andPath: upstream), "\(bundled) differs from \(upstream)")
  }

  @Test(
    "Boolean flags in every runner's form become bare flags or nothing",
    arguments: [
      (["--use_tls=true", "--use_test_ca=false"], ["--use_tls"]),
      (["--use_tls", "true", "--server_port", "8080"], ["--use_tls", "--server_port", "8080"]),
      (["--use_tls", "false", "--test_case=large_unary"], ["--test_case=large_unary"]),
      (["--use_tls", "--use_test_ca"], ["--use_tls", "--use_test_ca"]),
      (["--use_tls=maybe"], ["--use_tls=maybe"]),
      (["--server_host_override=true"], ["--server_host_override=true"]),
    ])
  func booleanFlags(arguments: [String], normalized: [String]) {
    #expect(InteropArguments.normalize(arguments, booleanFlags: ["use_tls", "use_test_ca"]) == normalized)
  }
}
