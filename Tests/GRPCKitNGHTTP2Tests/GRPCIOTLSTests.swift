import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

/// grpcio (Python, `grpc.ssl_channel_credentials`) against the Swift server over TLS and mTLS.
@Suite("grpcio over TLS")
struct GRPCIOTLSTests {
  @Test("grpcio makes unary and bidirectional calls over TLS")
  func grpcioOverTLS() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: TLSTests.server(pki)) { port in
      let result = try await Self.call(port: port, pki: pki)
      #expect(result["ok"] as? Bool == true, "\(result)")
      #expect(result["get"] as? String == "hello", "\(result)")
      #expect(result["update"] as? [String] == ["hello"], "\(result)")
    }
  }

  @Test("grpcio with a client certificate makes calls under mTLS")
  func grpcioOverMutualTLS() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: TLSTests.server(pki, mutual: true)) { port in
      let result = try await Self.call(port: port, pki: pki, certificate: "client")
      #expect(result["ok"] as? Bool == true, "\(result)")
      #expect(result["get"] as? String == "hello", "\(result)")
    }
  }

  @Test("grpcio without a client certificate is refused under mTLS with UNAVAILABLE")
  func grpcioWithoutCertificateIsRefused() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: TLSTests.server(pki, mutual: true)) { port in
      let result = try await Self.call(port: port, pki: pki)
      #expect(result["ok"] as? Bool == false, "\(result)")
      #expect(result["code"] as? String == "UNAVAILABLE", "\(result)")
    }
  }

  /// What `tls_grpcio_client.py` reports.
  static func call(port: Int, pki: TestCertificates, certificate: String? = nil) async throws -> [String: Any] {
    var arguments = ["--target", "127.0.0.1:\(port)", "--ca", pki.path("ca.pem")]
    if let certificate {
      arguments += ["--cert", pki.path("\(certificate).pem"), "--key", pki.path("\(certificate).key")]
    }
    let line = try await withExternalProcess(try .python(script: "tls_grpcio_client.py", arguments: arguments)) { client in
      try await client.waitForLine(timeout: .seconds(60)) { $0.hasPrefix("{") }
    }
    return try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
  }
}
