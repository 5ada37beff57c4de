package import GRPCKit

/// The id of one message in a room: the room's epoch and the message's sequence number in it.
///
/// Clients see it as the opaque string `EPOCH-SEQ` (decimal). Sequence numbers count from 1 in
/// each epoch. A room gets a new epoch whenever its history starts afresh (the process started,
/// an idle room was evicted, Redis lost the room's stream), and a new epoch is always larger
/// than the ones before it, so ids never go backwards for a client that kept one.
package struct RoomEventID: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// When the room's current history began (microseconds since the Unix epoch).
  package var epoch: UInt64
  /// The message's position in the epoch, from 1.
  package var sequence: UInt64

  package init(epoch: UInt64, sequence: UInt64) {
    self.epoch = epoch
    self.sequence = sequence
  }

  /// Parses `EPOCH-SEQ` (two decimal numbers, the epoch above 0); `nil` for anything else.
  package init?(_ text: Substring) {
    guard let dash = text.firstIndex(of: "-") else { return nil }
    let (epochText, sequenceText) = (text[..<dash], text[text.index(after: dash)...])
    // Digits only: UInt64("+1") would accept a sign.
    guard Self.isDecimal(epochText), Self.isDecimal(sequenceText),
      let epoch = UInt64(epochText), epoch > 0,
      let sequence = UInt64(sequenceText)
    else { return nil }
    self.init(epoch: epoch, sequence: sequence)
  }

  private static func isDecimal(_ text: Substring) -> Bool {
    !text.isEmpty && text.utf8.allSatisfy { (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains($0) }
  }

  package var description: String { "\(self.epoch)-\(self.sequence)" }

  package static func < (lhs: RoomEventID, rhs: RoomEventID) -> Bool {
    (lhs.epoch, lhs.sequence) < (rhs.epoch, rhs.sequence)
  }
}

/// Where a member starts reading a room.
package enum RoomPosition: Sendable, Hashable {
  /// Live messages only, from the moment of joining (`after_id` empty; every ChatStream call).
  case live
  /// Every retained message, then live ones (`after_id` `"0"`).
  case oldest
  /// The retained messages after this id, then live ones.
  case after(RoomEventID)

  /// Parses a `SubscribeRequest.after_id`.
  ///
  /// - Throws: `INVALID_ARGUMENT` when it is neither empty, `"0"` nor an event id.
  package init(afterID text: String) throws(RPCError) {
    switch text {
    case "": self = .live
    case "0": self = .oldest
    default:
      guard let id = RoomEventID(Substring(text)) else {
        throw RPCError(
          code: .invalidArgument,
          message: "after_id \"\(text.prefix(80))\" is not an event id: use an id the server sent, \"0\" or \"\""
        )
      }
      self = .after(id)
    }
  }
}
