import ChatAPI
import GRPCKit

/// The validation every ChatStream call and message goes through (DESIGN "ChatStream
/// semantics"): the room name, the user and message limits, the default user and the timestamp.
struct ChatRules: Sendable {
  /// The metadata key that names the room.
  static let roomKey = "chat-room"
  /// The room of calls that do not name one.
  static let defaultRoom = "lobby"
  static let maximumRoomLength = 64
  static let anonymousUser = "anonymous"

  let maximumUserBytes: Int
  let maximumMessageBytes: Int
  let currentTimeMilliseconds: @Sendable () -> Int64

  init(configuration: ChatServiceConfiguration) {
    self.maximumUserBytes = configuration.maximumUserBytes
    self.maximumMessageBytes = configuration.maximumMessageBytes
    self.currentTimeMilliseconds = configuration.currentTimeMilliseconds
  }

  /// The room a call joins: its `chat-room` metadata, or `lobby` when there is none.
  ///
  /// - Throws: `INVALID_ARGUMENT` when the name is not 1–64 characters of `A–Z a–z 0–9 . _ -`.
  static func roomName(from metadata: Metadata) throws(RPCError) -> String {
    guard let name = metadata.first(Self.roomKey) else { return Self.defaultRoom }
    return try Self.validRoomName(name, source: Self.roomKey)
  }

  /// The room a RoomEvents request names in its `room` field; `lobby` when it is empty.
  ///
  /// - Throws: `INVALID_ARGUMENT` as for the `chat-room` metadata.
  static func roomName(field name: String) throws(RPCError) -> String {
    name.isEmpty ? Self.defaultRoom : try Self.validRoomName(name, source: "room")
  }

  private static func validRoomName(_ name: String, source: String) throws(RPCError) -> String {
    let utf8 = name.utf8
    guard (1 ... Self.maximumRoomLength).contains(utf8.count), utf8.allSatisfy(Self.isRoomCharacter)
    else {
      throw RPCError(
        code: .invalidArgument,
        message: "\(source) \"\(name)\" is invalid: it must be 1-64 characters of A-Z a-z 0-9 . _ -"
      )
    }
    return name
  }

  private static func isRoomCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "a") ... UInt8(ascii: "z"),
      UInt8(ascii: "0") ... UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
      UInt8(ascii: "-"):
      return true
    default:
      return false
    }
  }

  /// Validates a message and prepares it for broadcast: an empty user becomes `anonymous`, a
  /// zero timestamp becomes the server's time.
  ///
  /// - Throws: `INVALID_ARGUMENT` naming the limit the user or message exceeds.
  func admit(_ message: inout ChatMessage) throws(RPCError) {
    let userBytes = message.user.utf8.count
    if userBytes > self.maximumUserBytes {
      throw RPCError(
        code: .invalidArgument,
        message: "user is \(userBytes) bytes; limit \(self.maximumUserBytes)"
      )
    }
    let messageBytes = message.message.utf8.count
    if messageBytes > self.maximumMessageBytes {
      throw RPCError(
        code: .invalidArgument,
        message: "message is \(messageBytes) bytes; limit \(self.maximumMessageBytes)"
      )
    }
    if userBytes == 0 { message.user = Self.anonymousUser }
    if message.timestamp == 0 { message.timestamp = self.currentTimeMilliseconds() }
  }
}
