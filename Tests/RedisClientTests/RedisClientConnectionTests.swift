import GRPCTestSupport
import RedisClient
import Testing

@Suite("Redis client: AUTH, SELECT, failures, reconnection")
struct RedisClientConnectionTests {
  @Test("AUTH with the password of --requirepass")
  func authWithPassword() async throws {
    try await withRedisServer(arguments: ["--requirepass", "s3cr:t@"]) { redis in
      try await withClient(url: "redis://:s3cr%3At%40@\(redis.address)") { client in
        let pong = try await client.send(RedisCommand("PING"))
        #expect(pong == .status("PONG"))
      }
      try await withClient(url: redis.url) { client in
        let error = await #expect(throws: RedisError.self) {
          try await client.send(RedisCommand("PING"))
        }
        #expect(error?.serverMessage?.hasPrefix("NOAUTH") == true)
      }
    }
  }

  @Test("AUTH with an ACL user and its password")
  func authWithACLUser() async throws {
    try await withRedisServer(arguments: [
      "--user", "alice", "on", ">wonderland", "~*", "&*", "+@all",
    ]) { redis in
      try await withClient(url: "redis://alice:wonderland@\(redis.address)") { client in
        let user = try await client.send(RedisCommand("ACL", ["WHOAMI"]))
        #expect(user.string == "alice")
      }
    }
  }

  @Test(
    "A wrong password fails with authenticationFailed naming the address; later sends fail fast"
  )
  func wrongPassword() async throws {
    try await withRedisServer(arguments: ["--requirepass", "right"]) { redis in
      // A backoff longer than the test: the second send comes within it however loaded the
      // machine is (after it, the client would connect again and fail AUTH anew).
      try await withClient(
        url: "redis://:wrong@\(redis.address)",
        { $0.backoff = RedisBackoff(initial: .seconds(600), jitter: 0, maximum: .seconds(600)) }
      ) { client in
        let error = await #expect(throws: RedisError.self) {
          try await client.send(RedisCommand("PING"))
        }
        #expect(error?.code == .authenticationFailed)
        #expect(
          error?.message
            == "redis \(redis.address): PING: AUTH failed: WRONGPASS invalid username-password pair or user is disabled."
        )
        let again = await #expect(throws: RedisError.self) {
          try await client.send(RedisCommand("GET", ["k"]))
        }
        #expect(again?.code == .connectionFailed)
        #expect(
          again?.message.contains(
            "redis \(redis.address): GET: not connected: AUTH failed: WRONGPASS"
          ) == true
        )
      }
    }
  }

  @Test("SELECT puts the client in the URL's database")
  func selectDatabase() async throws {
    try await withRedisServer { redis in
      try await withClient(url: "\(redis.url)/3") { client in
        _ = try await client.send(RedisCommand("SET", ["k", "in three"]))
        #expect(
          try await client.send(RedisCommand("CLIENT", ["INFO"])).string?.contains(" db=3 ") == true
        )
      }
      try await withClient(url: redis.url) { client in
        #expect(try await client.send(RedisCommand("GET", ["k"])) == .null)
        _ = try await client.send(RedisCommand("SELECT", ["3"]))
        #expect(try await client.send(RedisCommand("GET", ["k"])).string == "in three")
      }
      try await withClient(url: "\(redis.url)/99") { client in
        let error = await #expect(throws: RedisError.self) {
          try await client.send(RedisCommand("PING"))
        }
        #expect(error?.code == .authenticationFailed)
        #expect(
          error?.message
            == "redis \(redis.address): PING: SELECT 99 failed: ERR DB index is out of range"
        )
      }
    }
  }

  @Test("A refused connection names the address and the command")
  func connectionRefused() async throws {
    let port = try await LoopbackPort.unused()
    try await withClient(url: "redis://127.0.0.1:\(port)") { client in
      let error = await #expect(throws: RedisError.self) {
        try await client.send(RedisCommand("EVALSHA", ["abc", "0"]))
      }
      #expect(error?.code == .connectionFailed)
      #expect(error?.message == "redis 127.0.0.1:\(port): EVALSHA: connection refused")
    }
  }

  @Test(
    "A command past its timeout fails with timeout; the connection closes and the next command reconnects"
  )
  func commandTimeout() async throws {
    try await withRedisServer(arguments: ["--enable-debug-command", "yes"]) { redis in
      // Redis sleeps for everyone: a GET sent after DEBUG timed out would time out in turn, so the
      // GET must be queued well within the timeout (stretched, with the sleep, in a sanitizer run).
      let timeout = Duration.milliseconds(300).slowed
      let sleep = 2 * TestSlowdown.factor
      try await withClient(url: redis.url, { $0.commandTimeout = timeout }) { client in
        _ = try await client.send(RedisCommand("PING"))
        let started = ContinuousClock.now
        async let slow = outcome { () async throws(RedisError) in
          try await client.send(RedisCommand("DEBUG", ["SLEEP", RedisArgument(sleep)]))
        }
        try await Task.sleep(for: .milliseconds(50))
        let next = await outcome { () async throws(RedisError) in
          try await client.send(RedisCommand("GET", ["k"]))
        }
        let timedOut = await slow
        #expect(ContinuousClock.now - started < .seconds(1.5).slowed)
        #expect(timedOut.failure?.code == .timeout)
        // The message names the configured timeout: 300 ms in a plain run (a sanitizer run, with
        // its stretched timeout, checks the message's shape).
        let message = timedOut.failure?.message ?? ""
        if TestSlowdown.factor == 1 {
          #expect(message == "redis \(redis.address): DEBUG: no reply within 300 ms (commandTimeout)")
        } else {
          #expect(
            message.hasPrefix("redis \(redis.address): DEBUG: no reply within ") && message.hasSuffix(" (commandTimeout)"),
            "\(message)")
        }
        #expect(next.failure?.code == .connectionClosed)
        #expect(
          next.failure?.message
            == "redis \(redis.address): GET: connection closed after DEBUG timed out"
        )
        #expect(
          try await eventually { try await client.send(RedisCommand("PING")) } == .status("PONG")
        )
      }
    }
  }

  @Test("While the server restarts, sends fail fast; after the backoff they work again")
  func reconnectAfterRestart() async throws {
    try await withRedisServer { redis in
      try await withClient(
        url: redis.url,
        { $0.backoff = RedisBackoff(initial: .milliseconds(200), jitter: 0) }
      ) { client in
        _ = try await client.send(RedisCommand("SET", ["k", "v"]))
        await redis.stop()
        for _ in 0 ..< 20 {
          let started = ContinuousClock.now
          let error = await #expect(throws: RedisError.self) {
            try await client.send(RedisCommand("GET", ["k"]))
          }
          #expect(ContinuousClock.now - started < .milliseconds(500).slowed)
          #expect(error?.code == .connectionFailed || error?.code == .connectionClosed)
          #expect(error?.message.hasPrefix("redis \(redis.address): GET: ") == true)
          try await Task.sleep(for: .milliseconds(20))
        }
        try await redis.restart()
        #expect(try await eventually { try await client.send(RedisCommand("GET", ["k"])) } == .null)
        #expect(try await client.send(RedisCommand("PING")) == .status("PONG"))
      }
    }
  }
}

extension RedisClientConnectionTests {
  @Test(
    "A server killed with SIGKILL is noticed; the subscriber and the client come back after the restart"
  )
  func killedServer() async throws {
    try await withRedisServer { redis in
      let fast = { (configuration: inout RedisConfiguration) in
        configuration.backoff = RedisBackoff(
          initial: .milliseconds(50),
          maximum: .milliseconds(200)
        )
      }
      try await withClient(url: redis.url, fast) { client in
        let log = SubscriberEventLog()
        let subscriber = client.makeSubscriber(log.handler)
        defer { subscriber.close() }
        try await log.wait("connected") { $0.contains { $0.isConnected } }
        _ = try await client.send(RedisCommand("PING"))
        await redis.kill()
        #expect(!redis.isRunning)
        try await log.wait("disconnected") { $0.contains { $0.isDisconnected } }
        let error = await #expect(throws: RedisError.self) {
          try await client.send(RedisCommand("PING"))
        }
        #expect(error?.message.hasPrefix("redis \(redis.address): PING: ") == true)
        try await redis.restart()
        try await log.wait("connected again") { events in events.filter(\.isConnected).count == 2 }
        let pong = try await eventually { try await client.send(RedisCommand("PING")) }
        #expect(pong == .status("PONG"))
      }
    }
  }
}

extension RedisClientConnectionTests {
  @Test("A server that accepts but does not answer fails the connect within the connect timeout")
  func connectTimeout() async throws {
    try await withRedisServer(arguments: ["--requirepass", "p"]) { redis in
      let url = "redis://:p@\(redis.address)"
      try await withClient(url: url, { $0.connectTimeout = .milliseconds(300) }) { client in
        redis.pause()
        defer { redis.resume() }
        let started = ContinuousClock.now
        let error = await #expect(throws: RedisError.self) {
          try await client.send(RedisCommand("PING"))
        }
        #expect(ContinuousClock.now - started < .seconds(1.5).slowed)
        #expect(error?.code == .connectionFailed)
        #expect(
          error?.message
            == "redis \(redis.address): PING: connect timed out after 300 ms (connectTimeout)"
        )
      }
    }
  }
}

/// What `body` returned or threw.
func outcome(
  _ body: () async throws(RedisError) -> RedisReply
) async -> Result<RedisReply, RedisError> {
  do {
    return .success(try await body())
  } catch {
    return .failure(error)
  }
}

extension Result {
  /// The error of a failure.
  var failure: Failure? {
    if case .failure(let error) = self { return error }
    return nil
  }
}
