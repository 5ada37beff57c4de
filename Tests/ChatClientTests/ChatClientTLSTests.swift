import ChatClient
import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

/// `chat-client --ca/--cert/--key` and the SDK's `tls:` parameter against `chat-server` with TLS.
@Suite("chat-client over TLS")
struct ChatClientTLSTests {
  @Test("send --ca --cert --key gets the echo from a chat-server that requires client certificates")
  func sendOverMutualTLS() async throws {
    let pki = try TestCertificates.shared()
    let result = try await withChatServerProcess(arguments: Self.serverTLS(pki, mutual: true)) { _, port in
      try await runChatClient([
        "send", "--target", "127.0.0.1:\(port)", "--ca", pki.path("ca.pem"), "--cert", pki.path("client.pem"),
        "--key", pki.path("client.key"), "--user", "ada", "secure",
      ])
    }
    #expect(result.status == .exited(0), "\(result.standardError)")
    #expect(try chatLine(result.outputLines.first ?? "").message == "secure")
  }

  @Test("send without --cert against mTLS fails with one line naming UNAVAILABLE and the TLS alert")
  func sendWithoutCertificateFails() async throws {
    let pki = try TestCertificates.shared()
    let result = try await withChatServerProcess(arguments: Self.serverTLS(pki, mutual: true)) { _, port in
      try await runChatClient([
        "send", "--target", "127.0.0.1:\(port)", "--ca", pki.path("ca.pem"), "--user", "ada", "hi",
      ])
    }
    #expect(result.status == .exited(78))
    #expect(result.errorLines.count == 1, "\(result.standardError)")
    #expect(result.standardError.contains("UNAVAILABLE"), "\(result.standardError)")
    #expect(result.standardError.contains("CERTIFICATE_REQUIRED"), "\(result.standardError)")
  }

  @Test("--cert without --key is a usage error naming the flags")
  func certificateWithoutKeyIsUsageError() async throws {
    let result = try await runChatClient([
      "send", "--target", "127.0.0.1:1", "--cert", "client.pem", "--user", "ada", "hi",
    ])
    #expect(result.status == .exited(64))
    #expect(result.standardError.contains("--cert needs --key"), "\(result.standardError)")
  }

  @Test("The SDK's tls parameter connects to a TLS chat-server")
  func sdkConnectsWithTLS() async throws {
    let pki = try TestCertificates.shared()
    try await withChatServerProcess(arguments: Self.serverTLS(pki, mutual: false)) { _, port in
      let client = try ChatClient(
        target: "127.0.0.1:\(port)", tls: ClientTLSConfiguration(trustRootsPath: pki.path("ca.pem")))
      defer { client.close() }
      let echo = try await client.send("hello", as: "ada", room: "tls", timeout: .seconds(20))
      #expect(echo.message == "hello")
    }
  }

  private static func serverTLS(_ pki: TestCertificates, mutual: Bool) -> [String] {
    ["--tls-cert", pki.path("server.pem"), "--tls-key", pki.path("server.key")]
      + (mutual ? ["--tls-client-ca", pki.path("ca.pem")] : [])
  }
}
