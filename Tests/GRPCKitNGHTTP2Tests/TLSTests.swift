import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import NIOPosix
import Testing

/// TLS and mutual TLS between the Swift client and server, with certificates made by openssl.
@Suite("TLS and mTLS over loopback")
struct TLSTests {
  @Test("Unary and client-streaming calls work over TLS")
  func unaryAndClientStreamingOverTLS() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: Self.server(pki)) { port in
      try await withEchoClient(port: port, configuration: Self.client(pki)) { echo in
        let reply = try await echo.get(Echo_EchoRequest(text: "secret")).text
        #expect(reply == "secret")
        let joined = try await echo.collect { writer in
          for word in ["a", "b"] { try await writer.write(Echo_EchoRequest(text: word)) }
        }
        #expect(joined.text == "a b")
      }
    }
  }

  @Test("Server-streaming and bidirectional calls work over TLS")
  func streamingOverTLS() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: Self.server(pki)) { port in
      try await withEchoClient(port: port, configuration: Self.client(pki)) { echo in
        let words = try await echo.expand(Echo_EchoRequest(text: "one two three")) { responses in
          var words: [String] = []
          for try await response in responses { words.append(response.text) }
          return words
        }
        #expect(words == ["one", "two", "three"])
        try await echo.update { writer, responses in
          var iterator = responses.makeAsyncIterator()
          for text in ["x", "y", "z"] {
            try await writer.write(Echo_EchoRequest(text: text))
            #expect(try await iterator.next()?.text == text)
          }
          writer.finish()
          #expect(try await iterator.next() == nil)
        }
      }
    }
  }

  @Test("Without mTLS handlers see ALPN h2 and no peer certificate")
  func handlersSeeTLSWithoutPeerCertificate() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(services: [PeerIdentityService()], configuration: Self.server(pki)) { port in
      try await withEchoClient(port: port, configuration: Self.client(pki)) { echo in
        let reply = try await echo.get(Echo_EchoRequest()).text
        #expect(reply == "h2|none|")
      }
    }
  }

  @Test("Handlers see no transport security on a cleartext connection")
  func handlersSeeNoSecurityInCleartext() async throws {
    try await withTestServer(services: [PeerIdentityService()]) { port in
      try await withEchoClient(port: port) { echo in
        let reply = try await echo.get(Echo_EchoRequest()).text
        #expect(reply == "cleartext")
      }
    }
  }

  @Test("Under mTLS handlers see the client certificate's subject and alternative names")
  func handlersSeeClientSubject() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(services: [PeerIdentityService()], configuration: Self.server(pki, mutual: true)) { port in
      try await withEchoClient(port: port, configuration: Self.client(pki, certificate: "client")) { echo in
        let text = try await echo.get(Echo_EchoRequest()).text
        #expect(text == "h2|\(TestCertificates.clientSubject)|DNS:client.test,URI:spiffe://test/chat-client")
      }
    }
  }

  @Test("Under mTLS a client without a certificate fails with UNAVAILABLE naming the TLS alert")
  func mutualTLSRefusesClientWithoutCertificate() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: Self.server(pki, mutual: true)) { port in
      let error = try await Self.failure(port: port, configuration: Self.client(pki))
      #expect(error.code == .unavailable)
      #expect(error.message.contains("CERTIFICATE_REQUIRED") || error.message.contains("HANDSHAKE_FAILURE"), "\(error)")
    }
  }

  @Test("Under mTLS a client certificate from an unrelated CA is refused")
  func mutualTLSRefusesUntrustedClientCertificate() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: Self.server(pki, mutual: true)) { port in
      let error = try await Self.failure(port: port, configuration: Self.client(pki, certificate: "other-client"))
      #expect(error.code == .unavailable)
      #expect(error.message.contains("TLS"), "\(error)")
    }
  }

  @Test("A server certificate from an unrelated CA fails calls with UNAVAILABLE naming the verification error")
  func untrustedServerCertificateIsRefused() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: Self.server(pki, certificate: "other-server")) { port in
      let error = try await Self.failure(port: port, configuration: Self.client(pki))
      #expect(error.code == .unavailable)
      #expect(error.message.contains("CERTIFICATE_VERIFY_FAILED"), "\(error)")
    }
  }

  @Test("An IP target is refused when the certificate does not name that address")
  func ipTargetNotInCertificateIsRefused() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: Self.server(pki, certificate: "dns-server")) { port in
      let error = try await Self.failure(port: port, configuration: Self.client(pki))
      #expect(error.code == .unavailable)
      #expect(error.message.contains("TLS"), "\(error)")
    }
  }

  @Test("A server certificate without the expected host name is refused")
  func wrongHostNameIsRefused() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: Self.server(pki, certificate: "dns-server")) { port in
      var configuration = Self.client(pki)
      configuration.tls?.serverHostnameOverride = "chat.example.com"
      let error = try await Self.failure(port: port, configuration: configuration)
      #expect(error.code == .unavailable)
      #expect(error.message.contains("TLS"), "\(error)")
    }
  }

  @Test("A DNS host name override is verified and the call succeeds")
  func hostNameOverrideIsVerified() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: Self.server(pki, certificate: "dns-server")) { port in
      var configuration = Self.client(pki)
      configuration.tls?.serverHostnameOverride = "localhost"
      try await withEchoClient(port: port, configuration: configuration) { echo in
        let reply = try await echo.get(Echo_EchoRequest(text: "sni")).text
        #expect(reply == "sni")
      }
    }
  }

  @Test("A TLS client that does not offer h2 is disconnected right after the handshake", arguments: ["http/1.1", "none"])
  func clientWithoutH2IsDisconnected(alpn: String) async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: Self.server(pki)) { port in
      let result = try await Self.probe(port: port, pki: pki, alpn: alpn)
      #expect(result["handshake"] as? Bool == true, "\(result)")
      #expect(result["alpn"] is NSNull, "\(result)")
      #expect(result["closed"] as? Bool == true, "\(result)")
    }
  }

  @Test("A TLS client that negotiates h2 gets HTTP/2 bytes and is kept")
  func clientWithH2IsKept() async throws {
    let pki = try TestCertificates.shared()
    try await withTestServer(configuration: Self.server(pki)) { port in
      let result = try await Self.probe(port: port, pki: pki, alpn: "h2")
      #expect(result["alpn"] as? String == "h2", "\(result)")
      #expect(result["closed"] as? Bool == false, "\(result)")
    }
  }

  @Test("Against a TLS server that does not select h2, calls fail with UNAVAILABLE naming ALPN")
  func serverWithoutH2IsRefused() async throws {
    let pki = try TestCertificates.shared()
    try await withExternalProcess(
      try .python(
        script: "tls_no_h2_server.py",
        arguments: ["--port", "0", "--cert", pki.path("server.pem"), "--key", pki.path("server.key")])
    ) { server in
      let port = try await server.waitForListeningPort()
      let error = try await Self.failure(port: port, configuration: Self.client(pki))
      #expect(error.code == .unavailable)
      #expect(error.message.contains("did not negotiate HTTP/2 with ALPN"), "\(error)")
    }
  }

  @Test("Against a server that accepts and never answers the TLS handshake, a call ends at its deadline", arguments: [false, true])
  func stalledHandshakeEndsAtDeadline(waitForReady: Bool) async throws {
    let pki = try TestCertificates.shared()
    let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .bind(host: "127.0.0.1", port: 0).get()
    defer { listener.close(promise: nil) }
    let port = try #require(listener.localAddress?.port)
    let (error, elapsed) = try await withEchoClient(port: port, configuration: Self.client(pki)) { echo in
      let start = ContinuousClock.now
      do {
        _ = try await echo.get(Echo_EchoRequest(), options: CallOptions(timeout: .milliseconds(500), waitForReady: waitForReady))
        return (RPCError?.none, ContinuousClock.now - start)
      } catch let error as RPCError {
        return (error, ContinuousClock.now - start)
      }
    }
    #expect(error?.code == .deadlineExceeded, "\(String(describing: error))")
    // The deadline is 0.5 s; the handshake would stall forever, the connect timeout is 20 s.
    #expect(elapsed < .seconds(10), "\(elapsed)")
  }

  @Test("listen fails naming a certificate file that does not exist")
  func missingCertificateFileFailsListen() async throws {
    let pki = try TestCertificates.shared()
    var configuration = Self.server(pki)
    configuration.tls?.certificateChainPath = pki.path("missing.pem")
    await #expect {
      try await withTestServer(configuration: configuration) { _ in }
    } throws: { error in
      "\(error)".contains("missing.pem") && "\(error)".contains("No such file")
    }
  }

  @Test("listen fails naming a private key that does not match the certificate")
  func mismatchedKeyFailsListen() async throws {
    let pki = try TestCertificates.shared()
    var configuration = Self.server(pki)
    configuration.tls?.privateKeyPath = pki.path("server2.key")
    await #expect {
      try await withTestServer(configuration: configuration) { _ in }
    } throws: { error in
      "\(error)".contains("server2.key") && "\(error)".contains("does not match")
    }
  }

  @Test("After reloadTLSCertificates an open connection keeps working and new connections get the new certificate")
  func reloadKeepsConnectionsAndServesNewCertificate() async throws {
    let pki = try TestCertificates.shared()
    let directory = try TestCertificates.makeTemporaryDirectory()
    try pki.install("server.pem", at: directory + "/tls.crt")
    try pki.install("server.key", at: directory + "/tls.key")
    var configuration = NGHTTP2ServerConfiguration()
    configuration.tls = ServerTLSConfiguration(certificateChainPath: directory + "/tls.crt", privateKeyPath: directory + "/tls.key")
    configuration.tls?.reloadInterval = nil
    try await withTestServerTransport(services: [PeerIdentityService()], configuration: configuration) { transport, port in
      try await withEchoClient(port: port, configuration: Self.client(pki)) { old in
        let before = try await old.get(Echo_EchoRequest(text: "peer")).text
        try pki.install("other-server.pem", at: directory + "/tls.crt")
        try pki.install("other-server.key", at: directory + "/tls.key")
        try transport.reloadTLSCertificates()
        // The same connection (same client port) still serves calls.
        let reply = try await old.get(Echo_EchoRequest(text: "peer")).text
        #expect(reply == before)
        let refused = try await Self.failure(port: port, configuration: Self.client(pki))
        #expect(refused.message.contains("CERTIFICATE_VERIFY_FAILED"), "\(refused)")
        try await withEchoClient(port: port, configuration: Self.client(pki, trusting: "other-ca.pem")) { fresh in
          let reply = try await fresh.get(Echo_EchoRequest()).text
          #expect(reply.hasPrefix("h2|"))
        }
      }
    }
  }

  @Test("A reload of an invalid key throws naming the file and keeps the current certificate")
  func failedReloadKeepsCertificate() async throws {
    let pki = try TestCertificates.shared()
    let directory = try TestCertificates.makeTemporaryDirectory()
    try pki.install("server.pem", at: directory + "/tls.crt")
    try pki.install("server.key", at: directory + "/tls.key")
    var configuration = NGHTTP2ServerConfiguration()
    configuration.tls = ServerTLSConfiguration(certificateChainPath: directory + "/tls.crt", privateKeyPath: directory + "/tls.key")
    try await withTestServerTransport(configuration: configuration) { transport, port in
      try "not a key".write(toFile: directory + "/tls.key", atomically: true, encoding: .utf8)
      #expect {
        try transport.reloadTLSCertificates()
      } throws: { error in
        "\(error)".contains("tls.key") && "\(error)".contains("no unencrypted PEM private key")
      }
      try await withEchoClient(port: port, configuration: Self.client(pki)) { echo in
        let reply = try await echo.get(Echo_EchoRequest(text: "still")).text
        #expect(reply == "still")
      }
    }
  }

  @Test("With a reload interval the server picks up rotated files by itself")
  func pollingReloadPicksUpRotatedFiles() async throws {
    let pki = try TestCertificates.shared()
    let directory = try TestCertificates.makeTemporaryDirectory()
    try pki.install("server.pem", at: directory + "/tls.crt")
    try pki.install("server.key", at: directory + "/tls.key")
    var configuration = NGHTTP2ServerConfiguration()
    configuration.tls = ServerTLSConfiguration(certificateChainPath: directory + "/tls.crt", privateKeyPath: directory + "/tls.key")
    configuration.tls?.reloadInterval = .milliseconds(100)
    try await withTestServer(configuration: configuration) { port in
      try pki.install("server2.pem", at: directory + "/tls.crt")
      try pki.install("server2.key", at: directory + "/tls.key")
      var serial: String?
      for _ in 0..<100 where serial != "1002" {
        serial = try await Self.probe(port: port, pki: pki, alpn: "h2", wait: 1)["serial"] as? String
        if serial != "1002" { try await Task.sleep(for: .milliseconds(100)) }
      }
      #expect(serial == "1002")
    }
  }

  // MARK: Helpers

  static func server(_ pki: TestCertificates, certificate: String = "server", mutual: Bool = false) -> NGHTTP2ServerConfiguration {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.tls = ServerTLSConfiguration(
      certificateChainPath: pki.path("\(certificate).pem"), privateKeyPath: pki.path("\(certificate).key"),
      clientCertificateAuthorityPath: mutual ? pki.path("ca.pem") : nil)
    return configuration
  }

  static func client(_ pki: TestCertificates, trusting roots: String = "ca.pem", certificate: String? = nil)
    -> NGHTTP2ClientConfiguration
  {
    var configuration = NGHTTP2ClientConfiguration()
    configuration.tls = ClientTLSConfiguration(
      trustRootsPath: pki.path(roots), certificateChainPath: certificate.map { pki.path("\($0).pem") },
      privateKeyPath: certificate.map { pki.path("\($0).key") })
    return configuration
  }

  /// The error of a unary call on a fresh connection, which must fail.
  static func failure(port: Int, configuration: NGHTTP2ClientConfiguration) async throws -> RPCError {
    try await withEchoClient(port: port, configuration: configuration) { echo in
      do {
        _ = try await echo.get(Echo_EchoRequest(text: "x"), options: CallOptions(timeout: .seconds(20)))
      } catch let error as RPCError {
        return error
      }
      throw RPCError(code: .internal, message: "the call succeeded")
    }
  }

  /// What `tls_probe.py` reports for a connection offering `alpn`.
  static func probe(port: Int, pki: TestCertificates, alpn: String, wait: Int = 10) async throws -> [String: Any] {
    let line = try await withExternalProcess(
      try .python(
        script: "tls_probe.py",
        arguments: ["--port", "\(port)", "--ca", pki.path("ca.pem"), "--alpn", alpn, "--wait", "\(wait)"])
    ) { probe in
      try await probe.waitForLine(timeout: .seconds(30)) { $0.contains("\"handshake\"") }
    }
    return try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
  }
}

/// `echo.Echo` whose `Get` replies with what the handler knows about the connection: for the text
/// `peer` the peer address, otherwise its security as `ALPN|subject|SANs` (`none` for no peer
/// certificate) or `cleartext`. The other methods behave as ``EchoService``.
struct PeerIdentityService: Echo_Echo.ServiceProtocol {
  func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    if request.text == "peer" { return Echo_EchoResponse(text: context.peer) }
    guard let security = context.transportSecurity else { return Echo_EchoResponse(text: "cleartext") }
    let certificate = security.peerCertificate
    let names = certificate?.subjectAlternativeNames.map(\.description).joined(separator: ",") ?? ""
    return Echo_EchoResponse(text: "\(security.applicationProtocol)|\(certificate?.subject ?? "none")|\(names)")
  }

  func collect(requests: RequestStream<Echo_EchoRequest>, context: ServerContext) async throws -> Echo_EchoResponse {
    try await EchoService().collect(requests: requests, context: context)
  }

  func expand(request: Echo_EchoRequest, responses: ResponseWriter<Echo_EchoResponse>, context: ServerContext) async throws {
    try await EchoService().expand(request: request, responses: responses, context: context)
  }

  func update(
    requests: RequestStream<Echo_EchoRequest>, responses: ResponseWriter<Echo_EchoResponse>, context: ServerContext
  ) async throws {
    try await EchoService().update(requests: requests, responses: responses, context: context)
  }
}
