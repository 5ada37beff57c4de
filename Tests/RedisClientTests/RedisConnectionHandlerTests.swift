import NIOCore
import NIOEmbedded
import Testing

@testable import RedisClient

/// The connection handler on an EmbeddedChannel: bytes in, requests completed in order.
@Suite("Connection handler: pipelining, timeouts, limits")
struct RedisConnectionHandlerTests {
  private static func makeChannel(
    commandTimeout: Duration = .seconds(5),
    maximumReplyBytes: Int = 64 << 20
  ) throws -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try channel.pipeline.syncOperations.addHandler(
      RedisConnectionHandler(
        commandTimeout: commandTimeout,
        maximumReplyBytes: maximumReplyBytes,
        maximumElements: 1_000_000,
        waitsForTLS: false
      )
    )
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 6379)).wait()
    return channel
  }

  private static func send(
    _ channel: EmbeddedChannel,
    _ commands: [RedisCommand]
  ) -> EventLoopFuture<[RedisReply]> {
    let promise = channel.eventLoop.makePromise(of: [RedisReply].self)
    let request = RedisRequest(
      bytes: RedisCommandEncoder.encode(commands, allocator: channel.allocator),
      replyCount: commands.count,
      name: commands.map(\.name).joined(separator: "+"),
      promise: promise
    )
    // Not writeOutbound: it waits for the write, which the handler's queued flush completes later.
    channel.writeAndFlush(RedisOutbound.request(request), promise: nil)
    return promise.futureResult
  }

  private static func failure(of future: EventLoopFuture<[RedisReply]>) -> RedisFailure? {
    do {
      _ = try future.wait()
      return nil
    } catch {
      return error as? RedisFailure
    }
  }

  @Test("Requests are written at once and completed in the order they were written")
  func pipelinedRequestsCompleteInOrder() throws {
    let channel = try Self.makeChannel()
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    let first = Self.send(channel, [RedisCommand("GET", ["a"])])
    let second = Self.send(
      channel,
      [RedisCommand("SET", ["b", "1"]), RedisCommand("GET", ["b"])]
    )
    #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)  // the flush is queued behind them
    channel.embeddedEventLoop.run()
    let written = try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) }
    #expect(written == "*2\r\n$3\r\nGET\r\n$1\r\na\r\n")
    #expect(try channel.readOutbound(as: ByteBuffer.self) != nil)
    try channel.writeInbound(ByteBuffer(string: "$1\r\nx\r\n+OK\r\n"))
    #expect(try first.wait() == [.bulk([120])])
    try channel.writeInbound(ByteBuffer(string: "$1\r\n1\r\n"))
    #expect(try second.wait() == [.status("OK"), .bulk([49])])
  }

  @Test(
    "The first request past its timeout fails with timeout and closes the connection, failing the rest"
  )
  func timeoutClosesTheConnection() throws {
    let channel = try Self.makeChannel(commandTimeout: .milliseconds(300))
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    let slow = Self.send(channel, [RedisCommand("DEBUG", ["SLEEP", "2"])])
    channel.embeddedEventLoop.advanceTime(by: .milliseconds(100))
    let next = Self.send(channel, [RedisCommand("GET", ["a"])])
    channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
    #expect(
      Self.failure(of: slow) == RedisFailure(.timeout, "no reply within 300 ms (commandTimeout)")
    )
    #expect(
      Self.failure(of: next)
        == RedisFailure(.connectionClosed, "connection closed after DEBUG timed out")
    )
    #expect(!channel.isActive)
  }

  @Test("An invalid reply fails its request with the rule and closes the connection")
  func invalidReplyClosesTheConnection() throws {
    let channel = try Self.makeChannel(maximumReplyBytes: 1024)
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    let first = Self.send(channel, [RedisCommand("GET", ["big"])])
    let second = Self.send(channel, [RedisCommand("PING")])
    try channel.writeInbound(ByteBuffer(string: "$1099511627776\r\n"))
    #expect(Self.failure(of: first)?.code == .replyTooLarge)
    #expect(Self.failure(of: second)?.code == .connectionClosed)
    #expect(!channel.isActive)
  }

  @Test("A connection closed inside a reply fails the request as cut short")
  func closedInsideAReply() throws {
    let channel = try Self.makeChannel()
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    let request = Self.send(channel, [RedisCommand("LRANGE", ["l", "0", "-1"])])
    try channel.writeInbound(ByteBuffer(string: "*3\r\n:1\r\n"))
    channel.pipeline.fireChannelInactive()
    let failure = Self.failure(of: request)
    #expect(failure?.code == .connectionClosed)
    #expect(failure?.detail.contains("cut short") == true)
  }

  @Test("A reply without a waiting request is a protocol error unless pushes are expected")
  func unexpectedReply() throws {
    let channel = try Self.makeChannel()
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    var pushes: [RedisReply] = []
    let handler = try channel.pipeline.syncOperations.handler(type: RedisConnectionHandler.self)
    handler.pushReceiver = { pushes.append($0) }
    try channel.writeInbound(ByteBuffer(string: "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nb\r\n"))
    #expect(pushes.count == 1)
    handler.pushReceiver = nil
    var closedWith: RedisFailure?
    handler.setOnClose { closedWith = $0 }
    try channel.writeInbound(ByteBuffer(string: "+surprise\r\n"))
    channel.embeddedEventLoop.run()
    #expect(
      closedWith
        == RedisFailure(
          .protocolError,
          "unexpected reply status \"surprise\" with no command waiting"
        )
    )
  }
}
