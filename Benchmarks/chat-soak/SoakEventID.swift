/// A room event id as the README documents it: `EPOCH-SEQ`, two decimal numbers, ordered as
/// `(epoch, seq)`. Opaque to ordinary clients; the soak compares ids to check room order.
struct SoakEventID: Hashable, Comparable, CustomStringConvertible, Sendable {
  var epoch: UInt64
  var sequence: UInt64

  init(epoch: UInt64, sequence: UInt64) {
    self.epoch = epoch
    self.sequence = sequence
  }

  /// Parses `EPOCH-SEQ`; nil for anything else.
  init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2,
      parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
      let epoch = UInt64(parts[0]), let sequence = UInt64(parts[1])
    else { return nil }
    self.init(epoch: epoch, sequence: sequence)
  }

  var description: String { "\(self.epoch)-\(self.sequence)" }

  static func < (lhs: SoakEventID, rhs: SoakEventID) -> Bool {
    (lhs.epoch, lhs.sequence) < (rhs.epoch, rhs.sequence)
  }
}

/// Which numbered message of which sender: `user` is the sender's name, the text starts with
/// `#SEQ ` (then padding).
struct MessageKey: Hashable, Comparable, CustomStringConvertible, Sendable {
  var sender: String
  var sequence: Int

  /// The text a sender sends as message `sequence`, padded with `x` to `length` bytes.
  static func text(sequence: Int, length: Int) -> String {
    let head = "#\(sequence) "
    return head + String(repeating: "x", count: max(0, length - head.utf8.count))
  }

  /// The key a received message carries; nil when its text is not a numbered soak message.
  init?(user: String, text: String) {
    guard text.hasPrefix("#"), let space = text.firstIndex(of: " ") else { return nil }
    let digits = text[text.index(after: text.startIndex)..<space]
    guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
      let sequence = Int(digits), text[text.index(after: space)...].allSatisfy({ $0 == "x" })
    else { return nil }
    self.init(sender: user, sequence: sequence)
  }

  init(sender: String, sequence: Int) {
    self.sender = sender
    self.sequence = sequence
  }

  var description: String { "\(self.sender) #\(self.sequence)" }

  static func < (lhs: MessageKey, rhs: MessageKey) -> Bool {
    (lhs.sender, lhs.sequence) < (rhs.sender, rhs.sequence)
  }
}
