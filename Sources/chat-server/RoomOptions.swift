import ArgumentParser
import Foundation
import RedisClient

/// `chat-server`'s room flags: where rooms live, their history, and RoomEvents heartbeats.
struct RoomOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      """
      Share rooms with every server on this Redis: redis://[user:password@]host:port[/db], or \
      rediss://... for TLS (Memorystore in-transit encryption). (default: $REDIS_URL, else rooms \
      live in this process)
      """,
      valueName: "url"))
  var redisUrl: String?

  @Option(
    help: ArgumentHelp(
      "With rediss://, trust the CA certificates in this PEM file instead of the system's.", valueName: "file"))
  var redisCa: String?

  @Option(help: "Messages each room retains for RoomEvents subscribers that resume (0 keeps none; at most 1000000).")
  var historySize = 1000

  @Option(help: "Seconds between heartbeats (empty RoomEvents) on a quiet room's RoomEvents subscription.")
  var heartbeatInterval = 20.0

  func validate() throws {
    guard (0...1_000_000).contains(self.historySize) else {
      throw ValidationError("--history-size \(self.historySize) is not a number of messages in 0...1000000")
    }
    guard self.heartbeatInterval >= 0.01, self.heartbeatInterval <= 86_400 else {
      throw ValidationError("--heartbeat-interval \(self.heartbeatInterval) is not a number of seconds in 0.01...86400")
    }
    _ = try self.redisConfiguration()
  }

  /// The Redis to share rooms through: `--redis-url`, else `$REDIS_URL`; `nil` for rooms in
  /// this process.
  ///
  /// - Throws: `ValidationError` naming the flag (or variable) and the rule the URL breaks.
  func redisConfiguration() throws -> RedisConfiguration? {
    let (source, url): (String, String)
    if let flag = self.redisUrl {
      (source, url) = ("--redis-url", flag)
    } else if let variable = ProcessInfo.processInfo.environment["REDIS_URL"], !variable.isEmpty {
      (source, url) = ("$REDIS_URL", variable)
    } else {
      if self.redisCa != nil { throw ValidationError("--redis-ca needs --redis-url (or $REDIS_URL) with rediss://") }
      return nil
    }
    do {
      var configuration = try RedisConfiguration(url: url)
      if let ca = self.redisCa {
        guard configuration.useTLS else { throw ValidationError("--redis-ca needs a rediss:// URL") }
        configuration.trustRootsPath = ca
      }
      return configuration
    } catch let error as RedisConfigurationError {
      throw ValidationError("\(source): \(error.message)")
    }
  }

  /// The heartbeat interval as a duration.
  var heartbeat: Duration { .milliseconds(Int64(self.heartbeatInterval * 1000)) }
}
