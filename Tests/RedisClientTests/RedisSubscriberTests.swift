import GRPCTestSupport
import RedisClient
import Testing

@Suite("Redis subscriber against redis-server")
struct RedisSubscriberTests {
  @Test("The subscriber receives every message of its channels, in order")
  func messagesInOrder() async throws {
    try await withRedisServer { redis in
      try await withClient(url: redis.url) { client in
        let log = SubscriberEventLog()
        let subscriber = client.makeSubscriber(log.handler)
        defer { subscriber.close() }
        try await log.wait("connected") { $0.contains { $0.isConnected } }
        try await subscriber.subscribe(["news", "sport"])
        for index in 0 ..< 200 {
          _ = try await client.send(
            RedisCommand(
              "PUBLISH",
              [index % 2 == 0 ? "news" : "weather", RedisArgument("\(index)")]
            )
          )
        }
        let expected = stride(from: 0, to: 200, by: 2).map { "\($0)" }
        try await log.wait("100 messages") { _ in log.messages(on: "news").count == 100 }
        #expect(log.messages(on: "news") == expected)
        #expect(log.messages(on: "weather").isEmpty)
        subscriber.unsubscribe(["news"])
        try await eventually {
          guard
            try await client.send(RedisCommand("PUBSUB", ["NUMSUB", "news"])).array?.last
              == .integer(0)
          else {
            throw RedisTestError("still subscribed")
          }
        }
      }
    }
  }

  @Test(
    "Stopping the server reports disconnected once; after the restart connected, with the channels subscribed again"
  )
  func resubscribesAfterRestart() async throws {
    try await withRedisServer { redis in
      try await withClient(
        url: redis.url,
        { $0.backoff = RedisBackoff(initial: .milliseconds(50), maximum: .milliseconds(200)) }
      ) {
        client in
        let log = SubscriberEventLog()
        let subscriber = client.makeSubscriber(log.handler)
        defer { subscriber.close() }
        try await log.wait("connected") { $0.contains { $0.isConnected } }
        try await subscriber.subscribe(["room"])
        await redis.stop()
        try await log.wait("disconnected") { $0.contains { $0.isDisconnected } }
        try await Task.sleep(for: .milliseconds(600))  // several failed retries
        #expect(log.count { $0.isDisconnected } == 1)
        let failure = await #expect(throws: RedisError.self) {
          try await subscriber.subscribe(["other"])
        }
        #expect(failure?.code == .connectionFailed)
        #expect(
          failure?.message.hasPrefix("redis \(redis.address): SUBSCRIBE: not connected: ") == true
        )
        try await redis.restart()
        try await log.wait("connected again") { events in events.filter(\.isConnected).count == 2 }
        // Confirmed before .connected: a message published now must arrive.
        let subscribers = try await eventually {
          try await client.send(RedisCommand("PUBSUB", ["NUMSUB", "room"]))
        }
        #expect(subscribers.array?.last == .integer(1))
        _ = try await client.send(RedisCommand("PUBLISH", ["room", "after restart"]))
        try await log.wait("the message") { _ in log.messages(on: "room") == ["after restart"] }
      }
    }
  }

  @Test("A subscriber of a server that is down reports disconnected naming the address")
  func serverDown() async throws {
    let port = try await LoopbackPort.unused()
    try await withClient(url: "redis://127.0.0.1:\(port)") { client in
      let log = SubscriberEventLog()
      let subscriber = client.makeSubscriber(log.handler)
      defer { subscriber.close() }
      try await log.wait("disconnected") { $0.contains { $0.isDisconnected } }
      guard case .disconnected(let error) = log.all.first else {
        throw RedisTestError("\(log.all)")
      }
      #expect(error.code == .connectionFailed)
      #expect(error.message == "redis 127.0.0.1:\(port): SUBSCRIBE: connection refused")
    }
  }

  @Test("A closed subscriber fails subscriptions with shutdown")
  func closedSubscriber() async throws {
    try await withRedisServer { redis in
      try await withClient(url: redis.url) { client in
        let log = SubscriberEventLog()
        let subscriber = client.makeSubscriber(log.handler)
        try await log.wait("connected") { $0.contains { $0.isConnected } }
        subscriber.close()
        let error = await #expect(throws: RedisError.self) { try await subscriber.subscribe(["a"]) }
        #expect(error?.code == .shutdown)
        #expect(error?.message == "redis \(redis.address): SUBSCRIBE: the subscriber was closed")
        #expect(log.count { $0.isDisconnected } == 0)
      }
    }
  }
}
