import GRPCLocking
import RedisClient

/// The Lua scripts that keep a room in Redis, run with `EVALSHA` (loaded with `SCRIPT LOAD` on
/// first use and again after `NOSCRIPT`, when Redis restarted). A script runs atomically, so a
/// room's id, its stream entry and its announcement are one step, in one order for every
/// server.
final class RedisRoomScripts: Sendable {
  /// Appends one message. KEYS: meta, log. ARGV: channel, history size, encoded message.
  /// Returns `{epoch, seq}`. A room without meta (new, or lost when Redis restarted empty) gets
  /// a new epoch from the Redis clock in microseconds, later than any before it, and its old
  /// stream (if any survived) is dropped. `MAXLEN` without `~` trims exactly to the history
  /// size.
  static let append = """
    local epoch = redis.call('HGET', KEYS[1], 'epoch')
    if not epoch then
      local now = redis.call('TIME')
      epoch = now[1] .. string.format('%06d', tonumber(now[2]))
      redis.call('HSET', KEYS[1], 'epoch', epoch)
      redis.call('DEL', KEYS[2])
    end
    local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
    local size = tonumber(ARGV[2])
    if size > 0 then
      redis.call('XADD', KEYS[2], 'MAXLEN', size, seq .. '-0', 'm', ARGV[3])
    end
    redis.call('PUBLISH', ARGV[1], epoch .. '-' .. seq .. ' ' .. ARGV[3])
    return {epoch, seq}
    """

  /// Reads what a server's copy of a room is missing. KEYS: meta, log. ARGV: the copy's epoch
  /// ("0" for none), its last seq, and the most entries to return. Returns `{epoch, seq,
  /// entries}`: the room's epoch ("0" when Redis has no history for it) and last sequence
  /// number, and the oldest retained entries after the copy's last seq when the epoch is the
  /// copy's, the oldest retained entries otherwise (at most the count: a long history is read
  /// in pages). The last sequence number tells the copy how far the room went even where the
  /// stream retains nothing (history size 0, or entries trimmed away).
  static let read = """
    local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
    local epoch = meta[1] or '0'
    if epoch == '0' then return {epoch, 0, {}} end
    local seq = tonumber(meta[2] or '0')
    local start = '-'
    if epoch == ARGV[1] then start = string.format('%d-0', tonumber(ARGV[2]) + 1) end
    return {epoch, seq, redis.call('XRANGE', KEYS[2], start, '+', 'COUNT', tonumber(ARGV[3]))}
    """

  private let client: RedisClient
  private let hashes = Mutex<[String: String]>([:])

  init(client: RedisClient) {
    self.client = client
  }

  /// Runs `script` with `keys` and `arguments`.
  func run(_ script: String, keys: [String], arguments: [RedisArgument]) async throws(RedisError) -> RedisReply {
    var hash = try await self.hash(of: script, reload: false)
    for attempt in 0..<2 {
      do {
        return try await self.client.send(Self.evalsha(hash, keys: keys, arguments: arguments))
      } catch where attempt == 0 && error.code == .serverError && (error.serverMessage ?? "").hasPrefix("NOSCRIPT") {
        hash = try await self.hash(of: script, reload: true)
      }
    }
    throw RedisError(code: .serverError, message: "redis \(self.client.configuration.address): EVALSHA: NOSCRIPT after SCRIPT LOAD")
  }

  /// Writes `script`'s `EVALSHA` at once, behind everything written before it (see
  /// ``RedisClient/submit(_:)``).
  ///
  /// - Returns: The pending reply; `nil` when the script is not loaded yet or no connection is
  ///   open (use ``run(_:keys:arguments:)``, which loads and connects).
  func submit(_ script: String, keys: [String], arguments: [RedisArgument]) -> RedisPendingReply? {
    guard let hash = self.hashes.withLock({ $0[script] }) else { return nil }
    return self.client.submit(Self.evalsha(hash, keys: keys, arguments: arguments))
  }

  private static func evalsha(_ hash: String, keys: [String], arguments: [RedisArgument]) -> RedisCommand {
    RedisCommand("EVALSHA", [RedisArgument(hash), RedisArgument(keys.count)] + keys.map { RedisArgument($0) } + arguments)
  }

  private func hash(of script: String, reload: Bool) async throws(RedisError) -> String {
    if !reload, let hash = self.hashes.withLock({ $0[script] }) { return hash }
    let reply = try await self.client.send(RedisCommand("SCRIPT", ["LOAD", RedisArgument(script)]))
    guard let hash = reply.string else {
      throw RedisError(
        code: .protocolError, message: "redis \(self.client.configuration.address): SCRIPT LOAD answered \(reply)")
    }
    self.hashes.withLock { $0[script] = hash }
    return hash
  }
}
