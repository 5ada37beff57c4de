import Foundation
import GRPCKit
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import GRPCKitNGHTTP2

/// A ``ServerConnectionHandler`` on an EmbeddedChannel and a client session talking to it in
/// memory, with no sockets. Handler tasks run on the embedded loop (the default
/// `handlerExecution`), so running the loop runs the calls. A handler in front of the server's
/// counts the flushes that reach the socket.
final class EmbeddedServerConnection {
  /// What the client received on one stream.
  struct Response {
    var headers: [HTTP2HeaderField]?
    /// The messages' bodies (uncompressed responses), in order.
    var messages: [[UInt8]] = []
    /// Bytes after the last whole message.
    var partialBytes = 0
    var trailers: [HTTP2HeaderField]?
  }

  let channel = EmbeddedChannel()
  let client: NGHTTP2Session
  let flushes = FlushCounter()
  /// Everything the client session reported, in order.
  private(set) var events: [HTTP2SessionEvent] = []

  init(
    streamHandler: any ServerStreamHandler,
    configuration: NGHTTP2ServerConfiguration = NGHTTP2ServerConfiguration()
  ) throws {
    self.client = try NGHTTP2Session(role: .client, settings: HTTP2SessionSettings())
    let handler = ServerConnectionHandler(
      streamHandler: streamHandler,
      configuration: configuration,
      logger: Logger(label: "test"),
      connections: ServerConnectionRegistry()
    )
    try self.channel.pipeline.syncOperations.addHandler(self.flushes)
    try self.channel.pipeline.syncOperations.addHandler(handler)
    try self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 50051)).wait()
  }

  /// Closes the channel (the handler ends the calls still open) and runs the loop so their tasks
  /// finish: nothing of the connection outlives the test.
  deinit {
    _ = try? self.channel.finish(acceptAlreadyClosed: true)
    self.channel.embeddedEventLoop.run()
  }

  /// Moves bytes both ways, each batch of the client's bytes as one read, until neither side has
  /// more; returns the client's events.
  func exchange() throws -> [HTTP2SessionEvent] {
    let start = self.events.count
    for _ in 0 ..< 100 {
      var output: [ByteBuffer] = []
      self.events += self.client.flushOutput(into: &output, allocator: self.channel.allocator)
      for buffer in output { try self.channel.writeInbound(buffer) }
      if !self.runAndReceive() && output.isEmpty { return Array(self.events[start...]) }
    }
    Issue.record("the sessions still exchange bytes after 100 rounds")
    return Array(self.events[start...])
  }

  /// Exchanges bytes and runs the loop (and so the calls) until `done` holds, for at most
  /// `timeout`; records an issue naming `what` if it never does.
  func exchange(_ what: String, timeout: Duration = .seconds(30), until done: () -> Bool) throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while true {
      _ = try self.exchange()
      if done() { return }
      if ContinuousClock.now > deadline {
        Issue.record("no \(what) within \(timeout); client events: \(self.events)")
        return
      }
      // Nothing is pending on the loop: whatever the calls wait for happens off it.
      Thread.sleep(forTimeInterval: 0.001)
    }
  }

  /// Exchanges bytes until every stream in `streamIDs` has closed on the client.
  func exchange(untilClosed streamIDs: Set<Int32>, timeout: Duration = .seconds(30)) throws {
    try self.exchange("close of streams \(streamIDs.sorted())", timeout: timeout) {
      streamIDs.isSubset(of: self.closedStreams)
    }
  }

  /// Feeds the client's pending bytes as one read cycle: a `channelRead` per HTTP/2 frame (the
  /// connection preface counts as one), then `channelReadComplete`.
  ///
  /// - Returns: The number of reads.
  @discardableResult
  func feedFrameByFrame(afterEachRead: () -> Void = {}) throws -> Int {
    var output: [ByteBuffer] = []
    self.events += self.client.flushOutput(into: &output, allocator: self.channel.allocator)
    var bytes = ByteBuffer()
    for var buffer in output { bytes.writeBuffer(&buffer) }
    var reads = 0
    let preface = ByteBuffer(string: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
    if bytes.readableBytesView.starts(with: preface.readableBytesView),
      let read = bytes.readSlice(length: preface.readableBytes)
    {
      try self.read(read)
      reads += 1
      afterEachRead()
    }
    while bytes.readableBytes >= 9,
      let length = bytes.getInteger(at: bytes.readerIndex, as: UInt32.self)
    {
      guard let frame = bytes.readSlice(length: 9 + Int(length >> 8)) else { break }
      try self.read(frame)
      reads += 1
      afterEachRead()
    }
    #expect(bytes.readableBytes == 0, "a partial frame was left over")
    self.channel.pipeline.syncOperations.fireChannelReadComplete()
    try self.channel.throwIfErrorCaught()
    return reads
  }

  /// What the client received on `streamID` so far.
  func response(on streamID: Int32) -> Response {
    var response = Response()
    var body: [UInt8] = []
    for event in self.events {
      switch event {
      case .headers(streamID, let fields, false, _): response.headers = fields
      case .headers(streamID, let fields, true, _): response.trailers = fields
      case .data(streamID, let bytes): body += bytes.readableBytesView
      default: break
      }
    }
    var rest = body[...]
    while rest.count >= 5 {
      let length = rest.dropFirst().prefix(4).reduce(0) { $0 << 8 | Int($1) }
      guard rest.count >= 5 + length else { break }
      response.messages.append(Array(rest.dropFirst(5).prefix(length)))
      rest = rest.dropFirst(5 + length)
    }
    response.partialBytes = rest.count
    return response
  }

  private var closedStreams: Set<Int32> {
    Set(
      self.events.compactMap { event in
        guard case .streamClosed(let streamID, _) = event else { return nil }
        return streamID
      }
    )
  }

  private func read(_ bytes: ByteBuffer) throws {
    self.channel.pipeline.syncOperations.fireChannelRead(NIOAny(bytes))
    try self.channel.throwIfErrorCaught()
  }

  /// Runs the loop, then hands what the server wrote to the client; true if it wrote anything.
  private func runAndReceive() -> Bool {
    self.channel.embeddedEventLoop.run()
    var answered = false
    while let buffer = try? self.channel.readOutbound(as: ByteBuffer.self) {
      answered = true
      do {
        self.events += try self.client.receive(buffer)
      } catch {
        Issue.record("the client session refused the server's bytes: \(error)")
      }
    }
    return answered
  }

  /// Counts the flushes that pass it on their way to the socket.
  final class FlushCounter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private(set) var count = 0

    func flush(context: ChannelHandlerContext) {
      self.count += 1
      context.flush()
    }
  }
}
