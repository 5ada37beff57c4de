import ChatAPI
import ChatService
import RedisClient

extension RedisRoomStore {
  /// Fills `room`'s gap from the stream in the background, unless a repair is already running
  /// (it then runs once more when done). Retries with backoff while Redis cannot be reached.
  func repair(_ name: String) {
    let start = self.state.withLock { state -> Bool in
      guard var sync = state.rooms[name] else { return false }
      if sync.repairing {
        sync.repairAgain = true
        state.rooms[name] = sync
        return false
      }
      sync.repairing = true
      state.rooms[name] = sync
      return true
    }
    guard start else { return }
    Task {
      var delay = Duration.milliseconds(50)
      while true {
        do {
          try await self.repairUntilCaughtUp(name)
          return
        } catch {
          self.logger.debug("room repair failed; retrying", metadata: ["chat.room": "\(name)", "error": "\(error)"])
          try? await Task.sleep(for: delay)
          delay = min(delay * 2, .seconds(2))
        }
      }
    }
  }

  /// Repairs until the room is in step with the stream, then clears its repairing flag. Live
  /// records wait aside while a read is out (``ChatRoom/beginRepair()``). Returns at once when
  /// the room is no longer open here.
  func repairUntilCaughtUp(_ name: String) async throws(RedisError) {
    while true {
      guard let room = self.state.withLock({ $0.stopped ? nil : $0.rooms[name]?.room }) else { return }
      guard let start = room.beginRepair() else { return }
      let read = try await self.read(room: name, after: start)
      let outcome = room.finishRepair(
        from: start, epoch: read.epoch, lastSequence: read.lastSequence, records: read.records)
      let again = self.state.withLock { state -> Bool in
        guard var sync = state.rooms[name], sync.room === room else { return false }
        let again = sync.repairAgain || outcome == .stillBehind
        sync.repairAgain = false
        sync.repairing = again
        state.rooms[name] = sync
        return again
      }
      if !again { return }
    }
  }

  /// Reads and applies what `room` lacks, page by page, while live records keep flowing (a
  /// subscriber resumes from an id this server has not delivered yet). Hands over to a
  /// background repair when the room still lags without progress.
  func readUntilCaughtUp(_ room: ChatRoom) async throws(RedisError) {
    while let start = room.syncPoint {
      let read = try await self.read(room: room.name, after: start)
      let outcome = room.finishRepair(
        from: start, epoch: read.epoch, lastSequence: read.lastSequence, records: read.records)
      guard outcome == .stillBehind else { return }
      if room.syncPoint == start {
        self.repair(room.name)
        return
      }
    }
  }

  /// The room's epoch and last sequence number in Redis, and the first page of what its stream
  /// holds after `start` (from its oldest entry for another epoch).
  func read(room name: String, after start: RoomSyncPoint) async throws(RedisError)
    -> (epoch: UInt64, lastSequence: UInt64, records: [RoomRecord])
  {
    let reply = try await self.scripts.run(
      RedisRoomScripts.read, keys: [self.keys.meta(name), self.keys.log(name)],
      arguments: [
        RedisArgument(String(start.epoch)), RedisArgument(String(start.lastSequence)),
        RedisArgument(Self.readPage),
      ])
    guard let parts = reply.array, parts.count == 3, let epochText = parts[0].string,
      let storeEpoch = UInt64(epochText), let storeLast = parts[1].integer, storeLast >= 0,
      let entries = parts[2].array
    else { throw self.unexpected(reply, command: "EVALSHA (read)") }
    var records: [RoomRecord] = []
    records.reserveCapacity(entries.count)
    for entry in entries {
      guard let fields = entry.array, fields.count == 2, let id = fields[0].string,
        let sequence = id.split(separator: "-").first.flatMap({ UInt64($0) }),
        let values = fields[1].array, values.count == 2, let bytes = values[1].bytes
      else { throw self.unexpected(entry, command: "XRANGE") }
      guard let message = try? ChatMessage(serializedBytes: bytes) else {
        self.logger.error("undecodable stream entry skipped", metadata: ["chat.room": "\(name)", "redis.id": "\(id)"])
        continue
      }
      records.append(RoomRecord(id: RoomEventID(epoch: storeEpoch, sequence: sequence), message: message))
    }
    return (storeEpoch, UInt64(storeLast), records)
  }

  private func unexpected(_ reply: RedisReply, command: String) -> RedisError {
    RedisError(code: .protocolError, message: "redis \(self.address): \(command) answered an unexpected \(reply)")
  }
}
