import GRPCKit
import GRPCLocking
import NIOCore
import NIOEmbedded
import Testing

@testable import GRPCKitNGHTTP2

/// The client connection handler on an EmbeddedChannel, behind the TLS handshake handler: a call
/// posted to a connection that fails before its loop ran the post is never lost. The loop handles
/// I/O before tasks, so a TLS failure read in the same turn as a post's drain task closes the
/// connection first; the embedded loop holds the drain until `run()` to replay that order.
@Suite("Client connection handler")
struct ClientConnectionHandlerTests {
  @Test("Closing a mailbox hands back the actions it accepted but did not drain, and refuses later posts")
  func mailboxCloseReturnsUndrainedActions() {
    let loop = EmbeddedEventLoop()
    let mailbox = ConnectionMailbox<Int>(eventLoop: loop)
    let drained = Mutex<[Int]>([])
    mailbox.setDrain { actions in drained.withLock { $0 += actions } }
    #expect(mailbox.post(1))
    #expect(mailbox.post(2))
    #expect(mailbox.close(reason: "TLS handshake failed") == [1, 2])
    #expect(!mailbox.post(3))
    loop.run()
    #expect(drained.withLock { $0 }.isEmpty)
    #expect(mailbox.closeReason == "TLS handshake failed")
  }

  @Test("A call posted just before the TLS handshake failed moves to another connection")
  func undrainedCallMoves() throws {
    let connection = try Connection()
    let call = Call(mailbox: connection.mailbox)
    #expect(connection.mailbox.post(.open(call.request)))
    connection.failHandshake()
    #expect(call.retried?.message.contains("CERTIFICATE_VERIFY_FAILED") == true, "\(String(describing: call.retried))")
    #expect(call.end == nil)
  }

  @Test("A moved call posted just before its second connection failed ends with UNAVAILABLE naming the TLS error")
  func undrainedMovedCallEnds() throws {
    let first = try Connection()
    let second = try Connection()
    let call = Call(mailbox: first.mailbox)
    #expect(call.handle.retryAfterRefusal(RPCError(code: .unavailable, message: "the server refused the stream")))
    call.handle.reroute(to: second.mailbox, request: call.request)
    second.failHandshake()
    guard case .failure(let error) = call.end else {
      Issue.record("the call did not end: \(String(describing: call.end))")
      return
    }
    #expect(error.code == .unavailable)
    #expect(error.message.contains("CERTIFICATE_VERIFY_FAILED"), "\(error)")
  }

  @Test("A call cancelled before the loop opened it ends with CANCELLED when the connection fails")
  func undrainedCancelledCallEnds() throws {
    let connection = try Connection()
    let call = Call(mailbox: connection.mailbox)
    #expect(connection.mailbox.post(.open(call.request)))
    call.handle.cancel()
    connection.failHandshake()
    #expect(call.retried == nil)
    guard case .failure(let error) = call.end else {
      Issue.record("the call did not end: \(String(describing: call.end))")
      return
    }
    #expect(error.code == .cancelled)
  }

  /// A client connection whose TLS handshake is under way.
  private final class Connection {
    let channel: EmbeddedChannel
    let mailbox: ConnectionMailbox<ClientStreamAction>

    /// Closes the channel and runs the loop, so nothing of the connection outlives the test.
    deinit {
      _ = try? self.channel.finish(acceptAlreadyClosed: true)
      self.channel.embeddedEventLoop.run()
    }

    init() throws {
      self.channel = EmbeddedChannel()
      self.mailbox = ConnectionMailbox(eventLoop: self.channel.embeddedEventLoop)
      let handler = ClientConnectionHandler(configuration: NGHTTP2ClientConfiguration(), mailbox: self.mailbox) {}
      try self.channel.pipeline.syncOperations.addHandler(TLSHandshakeHandler(role: .client, timeout: .seconds(20)))
      try self.channel.pipeline.syncOperations.addHandler(handler)
      try self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
    }

    /// The server's certificate failed verification; then the loop runs its queued tasks.
    func failHandshake() {
      self.channel.pipeline.fireErrorCaught(
        TLSHandshakeError("TLS handshake with 127.0.0.1:443 failed: CERTIFICATE_VERIFY_FAILED"))
      self.channel.embeddedEventLoop.run()
    }
  }

  /// A unary call as the transport hands it to a connection.
  private final class Call: Sendable {
    let handle: ClientStreamHandle
    let request: ClientStreamRequest
    private let recorder: Recorder

    init(mailbox: ConnectionMailbox<ClientStreamAction>) {
      let recorder = Recorder()
      self.recorder = recorder
      self.handle = ClientStreamHandle(
        outbound: StreamOutboundHandle(key: 1, allocator: ByteBufferAllocator(), highWatermark: 1 << 16, lowWatermark: 1 << 10),
        responses: recorder, mailbox: mailbox, replayLimit: 1 << 16,
        retry: { _, error in
          recorder.state.withLock { $0.retried = error }
          return Task {}
        },
        compression: nil)
      self.request = ClientStreamRequest(
        handle: self.handle,
        headers: [HTTP2HeaderField(name: ":method", value: "POST"), HTTP2HeaderField(name: ":path", value: "/echo.Echo/Get")],
        responses: recorder, timeout: .seconds(20), maximumReceiveMessageSize: 4 << 20, path: "/echo.Echo/Get")
    }

    /// The error the call moved to another connection with, if it moved.
    var retried: RPCError? { self.recorder.state.withLock { $0.retried } }
    /// How the call ended, if it did.
    var end: InboundEnd? { self.recorder.state.withLock { $0.end } }
  }

  /// The call's response sink, and whether it moved.
  private final class Recorder: InboundMessageSink {
    struct State {
      var end: InboundEnd?
      var retried: RPCError?
    }
    let state = Mutex(State())

    func receive(_ message: UnsafeRawBufferPointer, flowControl: any InboundFlowControl) throws(RPCError) -> Bool { true }
    func receiveHeaders(_ metadata: Metadata) {}
    func finish(_ end: InboundEnd) { self.state.withLock { $0.end = $0.end ?? end } }
  }
}
