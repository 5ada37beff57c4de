import ChatService
import RedisClient

extension RedisRoomStore {
  /// Takes the subscriber's events, on its connection's event loop: announcements go to their
  /// room; a (re)connection repairs every room and checks the command connection before the
  /// store reports itself available; a lost connection makes it unavailable at once.
  func handle(_ event: RedisSubscriberEvent) {
    switch event {
    case .message(let channel, let payload):
      guard let name = self.keys.room(fromChannel: channel),
        let room = self.state.withLock({ $0.rooms[name]?.room })
      else { return }
      guard let record = RedisRoomKeys.record(fromAnnouncement: payload) else {
        self.logger.error(
          "undecodable announcement ignored", metadata: ["chat.room": "\(name)", "redis.channel": "\(channel)"])
        return
      }
      if room.deliver(record) == .gap { self.repair(name) }
    case .connected:
      let (names, probe) = self.state.withLock { state in
        state.subscriberConnected = true
        let probe = !state.available && !state.probing
        if probe { state.probing = true }
        return (Array(state.rooms.keys), probe)
      }
      for name in names { self.repair(name) }
      if probe { Task { await self.probeCommandConnection() } }
    case .disconnected(let error):
      let (handler, report) = self.state.withLock { state -> ((@Sendable (Bool) -> Void)?, Bool) in
        state.subscriberConnected = false
        guard !state.stopped else { return (nil, false) }
        defer {
          state.available = false
          state.reportedUnreachable = true
        }
        return (state.available ? state.onAvailabilityChange : nil, !state.reportedUnreachable)
      }
      handler?(false)
      if report {
        self.logger.warning(
          "redis unreachable", metadata: ["redis.address": "\(self.address)", "error": "\(error.message)"])
      }
    }
  }

  /// Sends `PING` on the command connection (which reconnects with its own backoff) until it
  /// answers, then reports the store available, unless the pub/sub connection went away
  /// meanwhile: health says SERVING only when both can be used.
  private func probeCommandConnection() async {
    var delay = Duration.milliseconds(50)
    while true {
      let connected = self.state.withLock { $0.subscriberConnected && !$0.stopped }
      guard connected else { break }
      do {
        _ = try await self.client.send(RedisCommand("PING"))
        let handler = self.state.withLock { state -> (@Sendable (Bool) -> Void)? in
          guard state.subscriberConnected, !state.available, !state.stopped else { return nil }
          state.available = true
          state.reportedUnreachable = false
          return state.onAvailabilityChange
        }
        if let handler {
          handler(true)
          self.logger.info("redis connected", metadata: ["redis.address": "\(self.address)"])
        }
        break
      } catch {
        try? await Task.sleep(for: delay)
        delay = min(delay * 2, .seconds(1))
      }
    }
    self.state.withLock { $0.probing = false }
  }
}
