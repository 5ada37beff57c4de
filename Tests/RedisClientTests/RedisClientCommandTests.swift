import GRPCTestSupport
import RedisClient
import Testing

@Suite("Redis client: commands against redis-server")
struct RedisClientCommandTests {
  @Test("SET and GET round-trip text and binary values; a missing key is null")
  func setAndGet() async throws {
    try await withRedisServer { redis in
      try await withClient(url: redis.url) { client in
        #expect(try await client.send(RedisCommand("SET", ["greeting", "hello"])) == .status("OK"))
        #expect(try await client.send(RedisCommand("GET", ["greeting"])).string == "hello")
        let binary = (0 ... 255).map { UInt8($0) } + Array("\r\n$-1\r\n".utf8)
        _ = try await client.send(RedisCommand("SET", ["binary", RedisArgument(binary)]))
        #expect(try await client.send(RedisCommand("GET", ["binary"])).bytes == binary)
        #expect(try await client.send(RedisCommand("GET", ["missing"])) == .null)
        #expect(
          try await client.send(RedisCommand("INCRBY", ["counter", RedisArgument(41)])).integer
            == 41
        )
        let list = try await client.send(RedisCommand("RPUSH", ["list", "a", "", "c"]))
        #expect(list == .integer(3))
        #expect(
          try await client.send(RedisCommand("LRANGE", ["list", "0", "-1"]))
            == .array([.bulk([97]), .bulk([]), .bulk([99])])
        )
      }
    }
  }

  @Test("A thousand concurrent sends share one connection, pipelined, each getting its own reply")
  func thousandConcurrentSends() async throws {
    try await withRedisServer { redis in
      try await withClient(url: redis.url) { client in
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
          for index in 0 ..< 1000 {
            group.addTask {
              let reply = try await client.send(
                RedisCommand("ECHO", [RedisArgument("value-\(index)")])
              )
              return reply.string == "value-\(index)" ? 0 : 1
            }
          }
          return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        let clients = try await client.send(RedisCommand("CLIENT", ["LIST", "TYPE", "normal"]))
        #expect(clients.string?.split(separator: "\n").count == 1)
      }
    }
  }

  @Test("Commands submitted in a row from one task run in that order, without waiting for each reply")
  func submittedCommandsRunInOrder() async throws {
    try await withRedisServer { redis in
      try await withClient(url: redis.url) { client in
        #expect(client.submit(RedisCommand("PING")) == nil, "no connection is open before the first send")
        _ = try await client.send(RedisCommand("PING"))
        var pending: [RedisPendingReply] = []
        for _ in 0 ..< 1000 {
          pending.append(try #require(client.submit(RedisCommand("INCR", ["counter"]))))
        }
        var replies: [Int64] = []
        for reply in pending { replies.append(try #require(try await reply.reply().integer)) }
        #expect(replies == Array(1 ... 1000))
      }
    }
  }

  @Test("An error reply throws serverError with the server's message, naming address and command")
  func errorReply() async throws {
    try await withRedisServer { redis in
      try await withClient(url: redis.url) { client in
        _ = try await client.send(RedisCommand("SET", ["text", "abc"]))
        let error = await #expect(throws: RedisError.self) {
          try await client.send(RedisCommand("INCR", ["text"]))
        }
        #expect(error?.code == .serverError)
        #expect(error?.serverMessage == "ERR value is not an integer or out of range")
        #expect(
          error?.message
            == "redis \(redis.address): INCR: ERR value is not an integer or out of range"
        )
        #expect(try await client.send(RedisCommand("PING")) == .status("PONG"))
      }
    }
  }

  @Test("A pipeline returns every reply in order, error replies as values")
  func pipeline() async throws {
    try await withRedisServer { redis in
      try await withClient(url: redis.url) { client in
        let replies = try await client.pipeline([
          RedisCommand("SET", ["k", "v"]), RedisCommand("INCR", ["k"]), RedisCommand("GET", ["k"]),
        ])
        #expect(
          replies == [
            .status("OK"), .error("ERR value is not an integer or out of range"), .bulk([118]),
          ]
        )
        #expect(try await client.pipeline([]) == [])
      }
    }
  }

  @Test("A reply over maximumReplyBytes fails with the rule and the client reconnects afterwards")
  func replyTooLarge() async throws {
    try await withRedisServer { redis in
      try await withClient(url: redis.url, { $0.maximumReplyBytes = 1000 }) { client in
        _ = try await client.send(
          RedisCommand("SET", ["big", RedisArgument(String(repeating: "x", count: 5000))])
        )
        let error = await #expect(throws: RedisError.self) {
          try await client.send(RedisCommand("GET", ["big"]))
        }
        #expect(error?.code == .replyTooLarge)
        #expect(
          error?.message
            == "redis \(redis.address): GET: reply is at least 5009 bytes (a bulk string of 5000); limit 1000 (maximumReplyBytes)"
        )
        #expect(
          try await eventually { try await client.send(RedisCommand("PING")) } == .status("PONG")
        )
      }
    }
  }

  @Test("After close, sends throw shutdown")
  func closeThenSend() async throws {
    try await withRedisServer { redis in
      let client = try makeClient(url: redis.url)
      _ = try await client.send(RedisCommand("PING"))
      await client.close()
      let error = await #expect(throws: RedisError.self) {
        try await client.send(RedisCommand("GET", ["k"]))
      }
      #expect(error?.code == .shutdown)
      #expect(error?.message == "redis \(redis.address): GET: the client was closed")
    }
  }
}
