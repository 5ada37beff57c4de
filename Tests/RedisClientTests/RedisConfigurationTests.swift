import RedisClient
import Testing

@Suite("Redis URLs")
struct RedisConfigurationTests {
  struct Expected: Sendable, CustomStringConvertible {
    var host: String
    var port = 6379
    var username: String?
    var password: String?
    var database = 0
    var useTLS = false
    var address: String

    var description: String { self.address }
  }

  @Test(
    "Good URLs give host, port, credentials, database and TLS",
    arguments: [
      ("redis://localhost", Expected(host: "localhost", address: "localhost:6379")),
      ("redis://10.0.0.3:6380", Expected(host: "10.0.0.3", port: 6380, address: "10.0.0.3:6380")),
      ("redis://10.0.0.3:6380/", Expected(host: "10.0.0.3", port: 6380, address: "10.0.0.3:6380")),
      (
        "rediss://cache.internal/2",
        Expected(host: "cache.internal", database: 2, useTLS: true, address: "cache.internal:6379")
      ),
      ("REDISS://h:1/0", Expected(host: "h", port: 1, useTLS: true, address: "h:1")),
      ("redis://:s3cret@h", Expected(host: "h", password: "s3cret", address: "h:6379")),
      (
        "redis://app:p%40ss%3Aw%2Fd@h:7000/15",
        Expected(
          host: "h",
          port: 7000,
          username: "app",
          password: "p@ss:w/d",
          database: 15,
          address: "h:7000"
        )
      ),
      (
        "redis://%C3%A9l%C3%A8ve:%F0%9F%94%91@h",
        Expected(host: "h", username: "élève", password: "🔑", address: "h:6379")
      ),
      ("redis://[::1]:6379/3", Expected(host: "::1", database: 3, address: "[::1]:6379")),
      ("redis://[fe80::1]", Expected(host: "fe80::1", address: "[fe80::1]:6379")),
      (
        "redis://u:p@[2001:db8::7]:6390",
        Expected(
          host: "2001:db8::7",
          port: 6390,
          username: "u",
          password: "p",
          address: "[2001:db8::7]:6390"
        )
      ),
    ]
  )
  func goodURLs(url: String, expected: Expected) throws {
    let configuration = try RedisConfiguration(url: url)
    #expect(configuration.host == expected.host)
    #expect(configuration.port == expected.port)
    #expect(configuration.username == expected.username)
    #expect(configuration.password == expected.password)
    #expect(configuration.database == expected.database)
    #expect(configuration.useTLS == expected.useTLS)
    #expect(configuration.address == expected.address)
  }

  @Test(
    "Bad URLs are refused with the rule they break",
    arguments: [
      ("localhost:6379", "redis URL \"localhost:6379\" does not start with redis:// or rediss://"),
      ("http://h", "redis URL scheme \"http\" is not redis or rediss"),
      ("redis://", "redis URL has no host"),
      ("redis://:6379", "redis URL has no host"),
      ("redis://h:0", "redis URL port \"0\" is not a number in 1...65535"),
      ("redis://h:70000", "redis URL port \"70000\" is not a number in 1...65535"),
      ("redis://h:+80", "redis URL port \"+80\" is not a number in 1...65535"),
      ("redis://h:", "redis URL port \"\" is not a number in 1...65535"),
      ("redis://h/x", "redis URL database \"x\" is not a number in 0...2147483647"),
      ("redis://h/1/2", "redis URL database \"1/2\" is not a number in 0...2147483647"),
      ("redis://h/-1", "redis URL database \"-1\" is not a number in 0...2147483647"),
      ("redis://h?db=1", "redis URL has a query or fragment (\"?db=1\"); none is supported"),
      (
        "redis://user@h",
        "redis URL user \"user\" has no password; write user:password@ (or :password@ for the default user)"
      ),
      ("redis://user:@h", "redis URL password is empty; leave out user:password@ for no AUTH"),
      ("redis://:p%zz@h", "redis URL password has a % not followed by two hex digits"),
      ("redis://:p%4@h", "redis URL password has a % not followed by two hex digits"),
      ("redis://:%FF@h", "redis URL password is not UTF-8 once percent-decoded"),
      (
        "redis://::1:6379",
        "redis URL host \"::1:6379\" has several colons; an IPv6 address goes in brackets"
      ),
      ("redis://[::1", "redis URL IPv6 host \"[::1\" has no closing ]"),
      ("redis://[nothex]:1", "redis URL host [nothex] is not an IPv6 address"),
      ("redis://[::1]x", "redis URL has \"x\" after the IPv6 host; expected :port"),
      (
        "redis://ho st",
        "redis URL host \"ho st\" is not a host name or address (an IPv6 address goes in brackets)"
      ),
    ]
  )
  func badURLs(url: String, message: String) {
    let error = #expect(throws: RedisConfigurationError.self) { try RedisConfiguration(url: url) }
    #expect(error?.message == message)
  }

  @Test("The defaults are the documented ones")
  func defaults() throws {
    let configuration = try RedisConfiguration(url: "redis://h")
    #expect(configuration.connectTimeout == .seconds(5))
    #expect(configuration.commandTimeout == .seconds(5))
    #expect(
      configuration.backoff
        == RedisBackoff(
          initial: .milliseconds(100),
          multiplier: 1.6,
          jitter: 0.2,
          maximum: .seconds(5)
        )
    )
    #expect(configuration.maximumReplyBytes == 64 << 20)
    #expect(configuration.maximumElements == 1_000_000)
    #expect(configuration.trustRootsPath == nil)
    #expect(configuration.serverHostnameOverride == nil)
  }
}
