import Foundation
import HealthService
import GRPCKit
import GRPCTestSupport
import Testing

/// grpcurl 1.8.6 and Python TLS peers against `chat-server --tls-cert/--tls-key[/--tls-client-ca]`.
@Suite("chat-server over TLS")
struct GRPCurlTLSTests {
  @Test("grpcurl -cacert reaches ChatService over TLS and the listening line says tls")
  func grpcurlOverTLS() async throws {
    let pki = try TestCertificates.shared()
    try await Self.withChatServer(pki, mutual: false) { server, port, listening in
      #expect(listening["tls"] as? String == "tls")
      let run = try await Self.grpcurl(["-cacert", pki.path("ca.pem"), "-d", "{}"], "ChatService/ChatStream", port: port)
      #expect(run.exitStatus == .exited(0), "\(run.standardError)")
      #expect(run.standardOutput.contains(#""user": "anonymous""#), "\(run.standardOutput)")
    }
  }

  @Test("grpcurl -cert -key reaches ChatService under mTLS and the listening line says mtls")
  func grpcurlOverMutualTLS() async throws {
    let pki = try TestCertificates.shared()
    try await Self.withChatServer(pki, mutual: true) { server, port, listening in
      #expect(listening["tls"] as? String == "mtls")
      let run = try await Self.grpcurl(
        ["-cacert", pki.path("ca.pem"), "-cert", pki.path("client.pem"), "-key", pki.path("client.key")],
        "grpc.health.v1.Health/Check", port: port)
      #expect(run.exitStatus == .exited(0), "\(run.standardError)")
      #expect(run.standardOutput.contains(#""status": "SERVING""#), "\(run.standardOutput)")
    }
  }

  @Test("grpcurl without a client certificate is refused under mTLS")
  func grpcurlWithoutCertificateIsRefused() async throws {
    let pki = try TestCertificates.shared()
    try await Self.withChatServer(pki, mutual: true) { server, port, _ in
      // Under TLS 1.3 the server checks the client certificate after grpcurl's handshake has
      // returned, so grpc-go sees the alert as a transient connection error and redials with
      // backoff until -connect-timeout; unless the alert wins the race with grpcurl's last
      // handshake write ("broken pipe"), the run lasts the whole connect timeout.
      let run = try await Self.grpcurl(
        ["-cacert", pki.path("ca.pem")], "grpc.health.v1.Health/Check", port: port, connectTimeout: 2)
      #expect(run.exitStatus != .exited(0))
      #expect(!run.standardOutput.contains("SERVING"), "\(run.standardOutput)")
      _ = try await server.waitForJSONObject(timeout: .seconds(20)) {
        ($0["event"] as? String) == "TLS handshake failed"
          && (($0["grpc.tls.error"] as? String)?.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") ?? false)
      }
    }
  }

  @Test("chat-server closes a TLS client that does not offer h2 and logs why")
  func chatServerRefusesClientWithoutH2() async throws {
    let pki = try TestCertificates.shared()
    try await Self.withChatServer(pki, mutual: false) { server, port, _ in
      let probe = try await Self.probe(port: port, pki: pki, alpn: "http/1.1")
      #expect(probe.contains(#""closed": true"#), "\(probe)")
      let line = try await server.waitForJSONObject(timeout: .seconds(20)) {
        ($0["event"] as? String) == "refused a TLS connection"
      }
      #expect((line["grpc.tls.error"] as? String)?.contains("did not negotiate HTTP/2 with ALPN") == true, "\(line)")
    }
  }

  @Test("SIGHUP makes chat-server serve the rotated certificate to new connections")
  func sighupReloadsCertificate() async throws {
    let pki = try TestCertificates.shared()
    let directory = try TestCertificates.makeTemporaryDirectory()
    try pki.install("server.pem", at: directory + "/tls.crt")
    try pki.install("server.key", at: directory + "/tls.key")
    let server = try ExternalProcess(
      executable: try TestPrograms.chatServer(),
      arguments: [
        "--host", "127.0.0.1", "--port", "0", "--tls-cert", directory + "/tls.crt", "--tls-key", directory + "/tls.key",
        "--tls-reload-interval", "0",
      ])
    let port = try await server.waitForListeningPort()
    #expect(try await Self.probe(port: port, pki: pki, alpn: "h2").contains(#""serial": "1001""#))
    try pki.install("server2.pem", at: directory + "/tls.crt")
    try pki.install("server2.key", at: directory + "/tls.key")
    server.send(signal: SIGHUP)
    _ = try await server.waitForJSONObject(timeout: .seconds(20)) { ($0["event"] as? String) == "reloaded TLS certificate" }
    #expect(try await Self.probe(port: port, pki: pki, alpn: "h2").contains(#""serial": "1002""#))
    #expect(await server.stop() == .exited(0))
  }

  @Test("--health-port serves only grpc.health.v1.Health in cleartext, for probes")
  func healthPortServesOnlyHealth() async throws {
    let pki = try TestCertificates.shared()
    let healthPort = try Self.freePort()
    let server = try ExternalProcess(
      executable: try TestPrograms.chatServer(),
      arguments: [
        "--host", "127.0.0.1", "--port", "0", "--tls-cert", pki.path("server.pem"), "--tls-key", pki.path("server.key"),
        "--health-port", "\(healthPort)",
      ])
    let listening = try await server.waitForJSONObject(timeout: .seconds(20)) { $0["event"] as? String == "listening" }
    #expect(listening["health_port"] as? Int == healthPort)
    let status = try await withClient(port: healthPort) { client in
      try await Grpc_Health_V1_Health.Client(wrapping: client).check(
        .init(service: "ChatService"), options: bounded
      ).status
    }
    #expect(status == .serving)
    let list = try await ExternalProcess(
      executable: try await TestPrograms.grpcurl(), arguments: ["-plaintext", "-max-time", "20", "127.0.0.1:\(healthPort)", "list"]
    ).finish()
    #expect(list.exitStatus != .exited(0))
    #expect(list.standardError.contains("does not support the reflection API"), "\(list.standardError)")
    #expect(await server.stop() == .exited(0))
  }

  @Test("chat-server --tls-cert without --tls-key fails naming the flag", arguments: [
    (["--tls-cert", "x.pem"], "--tls-cert needs --tls-key"),
    (["--tls-client-ca", "ca.pem"], "--tls-client-ca needs --tls-cert and --tls-key"),
  ])
  func tlsFlagValidation(arguments: [String], message: String) async throws {
    let server = try ExternalProcess(executable: try TestPrograms.chatServer(), arguments: ["--port", "0"] + arguments)
    let status = try await server.waitForExit(timeout: .seconds(20))
    #expect(status != .exited(0))
    #expect(server.standardErrorText.contains(message), "\(server.standardErrorText)")
  }

  @Test("chat-server --tls-key naming an invalid key fails naming the flag and the file")
  func invalidKeyFileFailsValidation() async throws {
    let pki = try TestCertificates.shared()
    let server = try ExternalProcess(
      executable: try TestPrograms.chatServer(),
      arguments: ["--port", "0", "--tls-cert", pki.path("server.pem"), "--tls-key", pki.path("ca.pem")])
    let status = try await server.waitForExit(timeout: .seconds(20))
    #expect(status != .exited(0))
    #expect(server.standardErrorText.contains("--tls-key"), "\(server.standardErrorText)")
    #expect(server.standardErrorText.contains(pki.path("ca.pem")), "\(server.standardErrorText)")
  }

  /// A loopback port that was free a moment ago.
  private static func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    guard bound else { throw TestSetupError(description: "no free port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// Starts chat-server with TLS on a free port; `body` gets the process, the port and the
  /// listening line.
  private static func withChatServer(
    _ pki: TestCertificates,
    mutual: Bool,
    _ body: (ExternalProcess, Int, [String: Any]) async throws -> Void
  ) async throws {
    var arguments = [
      "--host", "127.0.0.1", "--port", "0", "--tls-cert", pki.path("server.pem"), "--tls-key", pki.path("server.key"),
    ]
    if mutual { arguments += ["--tls-client-ca", pki.path("ca.pem")] }
    let server = try ExternalProcess(executable: try TestPrograms.chatServer(), arguments: arguments)
    let listening = try await server.waitForJSONObject(timeout: .seconds(20)) { $0["event"] as? String == "listening" }
    let port = try #require(listening["port"] as? Int)
    try await body(server, port, listening)
    #expect(await server.stop() == .exited(0))
  }

  /// grpcurl with `flags` (and -d '{}' for calls) against `localhost:port`, verifying the
  /// server certificate's DNS name; it gives up dialing after `connectTimeout` seconds.
  private static func grpcurl(_ flags: [String], _ method: String, port: Int, connectTimeout: Int = 10) async throws
    -> ProgramRun
  {
    var arguments = ["-max-time", "20", "-connect-timeout", "\(connectTimeout)"] + flags
    if !arguments.contains("-d") { arguments += ["-d", "{}"] }
    let process = try ExternalProcess(
      executable: try await TestPrograms.grpcurl(), arguments: arguments + ["localhost:\(port)", method])
    return try await process.finish()
  }

  /// The JSON line `tls_probe.py` prints.
  private static func probe(port: Int, pki: TestCertificates, alpn: String) async throws -> String {
    try await withExternalProcess(
      try .python(script: "tls_probe.py", arguments: ["--port", "\(port)", "--ca", pki.path("ca.pem"), "--alpn", alpn])
    ) { probe in
      try await probe.waitForLine(timeout: .seconds(30)) { $0.contains("\"handshake\"") }
    }
  }
}
