import ChatAPI
import ChatService

/// The Redis names of a room, under a prefix (`chat:` by default): the hash `{room}:meta` with
/// the room's `epoch` and last `seq`, the stream `{room}:log` with its retained messages (entry
/// ids `SEQ-0`, field `m`: the encoded `ChatMessage`), and the pub/sub channel `{room}` where
/// each stored message is announced as `EPOCH-SEQ ` followed by the encoded message.
///
/// The braces are a Redis Cluster hash tag: a room's keys live in one slot, so the scripts that
/// touch both work on a cluster too.
struct RedisRoomKeys: Sendable {
  let prefix: String

  func meta(_ room: String) -> String { "\(self.prefix){\(room)}:meta" }
  func log(_ room: String) -> String { "\(self.prefix){\(room)}:log" }
  func channel(_ room: String) -> String { "\(self.prefix){\(room)}" }

  /// The room a channel announces, if it is one of ours.
  func room(fromChannel channel: String) -> String? {
    guard channel.hasPrefix(self.prefix + "{"), channel.hasSuffix("}") else { return nil }
    return String(channel.dropFirst(self.prefix.count + 1).dropLast())
  }

  /// Parses an announcement: `EPOCH-SEQ ` and the encoded message.
  static func record(fromAnnouncement payload: [UInt8]) -> RoomRecord? {
    guard let space = payload.firstIndex(of: UInt8(ascii: " ")),
      let id = RoomEventID(Substring(decoding: payload[..<space], as: UTF8.self)),
      let message = try? ChatMessage(serializedBytes: Array(payload[(space + 1)...]))
    else { return nil }
    return RoomRecord(id: id, message: message)
  }
}
