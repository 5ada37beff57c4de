import GRPCTestSupport
import RedisClient
import Testing

/// rediss:// against redis-server's own TLS port (Debian's redis-server is built with TLS).
@Suite("Redis client over TLS")
struct RedisTLSTests {
  /// Runs `body` with a redis-server that also listens with TLS on the returned port, with
  /// `certificate` (`server`: `DNS:localhost` and `IP:127.0.0.1`; `dns-server`: `DNS:localhost` only).
  private func withTLSServer(
    certificate: String = "server",
    _ body: (RedisServerProcess, Int, TestCertificates) async throws -> Void
  ) async throws {
    let pki = try TestCertificates.shared()
    let tlsPort = try await LoopbackPort.unused()
    let arguments = [
      "--tls-port", "\(tlsPort)", "--tls-cert-file", pki.path("\(certificate).pem"),
      "--tls-key-file", pki.path("\(certificate).key"),
      "--tls-ca-cert-file", pki.path("ca.pem"), "--tls-auth-clients", "no", "--requirepass",
      "over-tls",
    ]
    try await withRedisServer(arguments: arguments) { redis in try await body(redis, tlsPort, pki) }
  }

  @Test(
    "rediss:// with the CA trusted connects, authenticates and pipelines; so does the subscriber"
  )
  func trustedServer() async throws {
    try await self.withTLSServer { _, port, pki in
      for host in ["127.0.0.1", "localhost"] {
        try await withClient(
          url: "rediss://:over-tls@\(host):\(port)/1",
          { $0.trustRootsPath = pki.path("ca.pem") }
        ) {
          client in
          #expect(try await client.send(RedisCommand("PING")) == .status("PONG"))
          let replies = try await client.pipeline(
            (0 ..< 100).map { RedisCommand("ECHO", [RedisArgument($0)]) }
          )
          #expect(replies == (0 ..< 100).map { .bulk(Array("\($0)".utf8)) })
          let log = SubscriberEventLog()
          let subscriber = client.makeSubscriber(log.handler)
          defer { subscriber.close() }
          try await log.wait("connected") { $0.contains { $0.isConnected } }
          try await subscriber.subscribe(["secure"])
          _ = try await client.send(RedisCommand("PUBLISH", ["secure", "hello"]))
          try await log.wait("the message") { _ in log.messages(on: "secure") == ["hello"] }
        }
      }
    }
  }

  @Test("A server whose certificate is not signed by the trusted CA is refused, naming the address")
  func untrustedServer() async throws {
    try await self.withTLSServer { _, port, pki in
      try await withClient(
        url: "rediss://:over-tls@127.0.0.1:\(port)",
        { $0.trustRootsPath = pki.path("other-ca.pem") }
      ) {
        client in
        let error = await #expect(throws: RedisError.self) {
          try await client.send(RedisCommand("PING"))
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.hasPrefix("redis 127.0.0.1:\(port): PING: ") == true)
        #expect(error?.message.contains("CERTIFICATE_VERIFY_FAILED") == true)
      }
    }
  }

  @Test(
    "The certificate must name the host (or the override), checked with SNI",
    arguments: [
      ("localhost", nil, true), ("127.0.0.1", "localhost", true), ("127.0.0.1", nil, false),
      ("localhost", "redis.example", false),
    ]
  )
  func hostNameCheck(host: String, override: String?, accepted: Bool) async throws {
    try await self.withTLSServer(certificate: "dns-server") { _, port, pki in
      let adjust = { (configuration: inout RedisConfiguration) in
        configuration.trustRootsPath = pki.path("ca.pem")
        configuration.serverHostnameOverride = override
      }
      try await withClient(url: "rediss://:over-tls@\(host):\(port)", adjust) { client in
        let result = await outcome { () async throws(RedisError) in
          try await client.send(RedisCommand("PING"))
        }
        if accepted {
          #expect((try? result.get()) == .status("PONG"), "\(result)")
        } else {
          #expect(result.failure?.code == .connectionFailed)
          #expect(result.failure?.message.hasPrefix("redis \(host):\(port): PING: ") == true)
        }
      }
    }
  }

  @Test("A missing trust roots file is named in the error")
  func missingTrustRoots() async throws {
    try await withClient(url: "rediss://127.0.0.1:1", { $0.trustRootsPath = "/nonexistent/ca.pem" })
    { client in
      let error = await #expect(throws: RedisError.self) {
        try await client.send(RedisCommand("PING"))
      }
      #expect(error?.code == .connectionFailed)
      #expect(
        error?.message.contains("cannot read the TLS trust roots /nonexistent/ca.pem") == true
      )
    }
  }
}
