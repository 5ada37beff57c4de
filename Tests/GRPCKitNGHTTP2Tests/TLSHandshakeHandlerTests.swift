import GRPCKit
import NIOCore
import NIOEmbedded
import NIOTLS
import Testing

@testable import GRPCKitNGHTTP2

/// The handler between TLS and HTTP/2, on an EmbeddedChannel: no bytes before ALPN agreed on h2.
@Suite("TLS handshake handler")
struct TLSHandshakeHandlerTests {
  @Test("HTTP/2 bytes written during the handshake wait until ALPN selected h2")
  func writesWaitForH2() throws {
    let channel = try Self.makeChannel()
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    let write = channel.writeAndFlush(ByteBuffer(string: "PRI * HTTP/2.0"))
    #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: "h2"))
    #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "PRI * HTTP/2.0"))
    try write.wait()  // completed by the write that was let through
  }

  @Test("A handshake without h2 closes the channel, drops the waiting bytes and names ALPN", arguments: [nil, "http/1.1"])
  func otherProtocolIsRefused(negotiated: String?) throws {
    let channel = try Self.makeChannel()
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    let write = channel.writeAndFlush(ByteBuffer(string: "PRI"))
    channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: negotiated))
    #expect(!channel.isActive)
    #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    #expect(throws: (any Error).self) { try write.wait() }
    #expect {
      try channel.throwIfErrorCaught()
    } throws: { error in
      "\(error)".contains("did not negotiate HTTP/2 with ALPN")
    }
  }

  @Test("A handshake that does not finish in time closes the channel")
  func handshakeTimeoutCloses() throws {
    let channel = try Self.makeChannel(timeout: .seconds(5))
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    channel.embeddedEventLoop.advanceTime(by: .seconds(4))
    #expect(channel.isActive)
    channel.embeddedEventLoop.advanceTime(by: .seconds(2))
    #expect(!channel.isActive)
    #expect {
      try channel.throwIfErrorCaught()
    } throws: { error in
      "\(error)".contains("did not complete within")
    }
  }

  @Test("Distinguished names are printed most specific first with RFC 4514 escapes")
  func distinguishedNameEscaping() {
    #expect(TransportSecurity.PeerCertificate.escape("Acme, Inc.") == "Acme\\, Inc.")
    #expect(TransportSecurity.PeerCertificate.escape(" #lead") == "\\ #lead")
    #expect(TransportSecurity.PeerCertificate.escape("a+b;c<d>\"e\\") == "a\\+b\\;c\\<d\\>\\\"e\\\\")
    #expect(TransportSecurity.PeerCertificate.escape("trail ") == "trail\\ ")
  }

  @Test("SNI carries DNS names only", arguments: [
    ("localhost", "localhost"), ("127.0.0.1", nil), ("::1", nil), ("[::1]", nil), ("chat.example.com", "chat.example.com"),
  ] as [(String, String?)])
  func sniNames(host: String, expected: String?) {
    #expect(TLSPipeline.sniName(host) == expected)
  }

  private static func makeChannel(timeout: Duration = .seconds(60)) throws -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try channel.pipeline.syncOperations.addHandler(TLSHandshakeHandler(role: .client, timeout: timeout))
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
    return channel
  }
}
