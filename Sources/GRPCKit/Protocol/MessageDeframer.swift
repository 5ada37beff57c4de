/// Splits a stream of DATA bytes into gRPC length-prefixed messages.
///
/// Each message is a 1-byte compressed flag, a 4-byte big-endian length and the message bytes.
/// A message that arrives whole inside one chunk is handed out in place (no copy); only a message
/// split across chunks is assembled in an internal buffer. A length over the limit is rejected
/// from its prefix, before any of the message is buffered. The compressed flag is passed on with
/// each message: whether the stream may carry compressed messages is the caller's decision.
package struct MessageDeframer {
  /// The largest message accepted, in bytes.
  package let maximumMessageSize: Int
  private var header: [UInt8] = []  // an incomplete 5-byte prefix
  private var pending: [UInt8] = []  // an incomplete message body
  private var pendingLength = -1  // -1: waiting for a prefix
  private var pendingCompressed = false  // the flag of the incomplete message

  package init(maximumMessageSize: Int) {
    self.maximumMessageSize = maximumMessageSize
  }

  /// True when bytes of an incomplete message are buffered; at end of stream this means the
  /// message was cut short.
  package var hasPartialMessage: Bool { !self.header.isEmpty || self.pendingLength >= 0 }

  /// Feeds one chunk and calls `body` for each complete message, in order, with its compressed
  /// flag.
  ///
  /// - Throws: ``RPCError`` with `INTERNAL` for a flag byte other than 0 or 1 and
  ///   `RESOURCE_EXHAUSTED` for a message over the limit; rethrows `body`'s error.
  package mutating func process(
    _ chunk: UnsafeRawBufferPointer,
    _ body: (UnsafeRawBufferPointer, _ compressed: Bool) throws(RPCError) -> Void
  ) throws(RPCError) {
    var offset = 0
    let count = chunk.count
    while offset < count {
      if self.pendingLength < 0 {
        // Fast path: a whole prefix in this chunk.
        if self.header.isEmpty && count - offset >= 5 {
          let flag = chunk[offset]
          let length = try self.readPrefix(
            flag, chunk[offset + 1], chunk[offset + 2], chunk[offset + 3], chunk[offset + 4])
          offset += 5
          if count - offset >= length {
            try body(UnsafeRawBufferPointer(rebasing: chunk[offset..<offset + length]), flag == 1)
            offset += length
          } else {
            self.pendingLength = length
            self.pendingCompressed = flag == 1
            self.pending.reserveCapacity(length)
          }
          continue
        }
        let take = min(5 - self.header.count, count - offset)
        self.header.append(contentsOf: chunk[offset..<offset + take])
        offset += take
        guard self.header.count == 5 else { return }
        let length = try self.readPrefix(
          self.header[0], self.header[1], self.header[2], self.header[3], self.header[4])
        let compressed = self.header[0] == 1
        self.header.removeAll(keepingCapacity: true)
        if length == 0 {
          try body(UnsafeRawBufferPointer(start: nil, count: 0), compressed)
          continue
        }
        self.pendingLength = length
        self.pendingCompressed = compressed
        self.pending.reserveCapacity(length)
        if offset == count { return }
      }
      let take = min(self.pendingLength - self.pending.count, count - offset)
      self.pending.append(contentsOf: chunk[offset..<offset + take])
      offset += take
      if self.pending.count == self.pendingLength {
        self.pendingLength = -1
        let message = self.pending
        let compressed = self.pendingCompressed
        self.pending = []
        let result = message.withUnsafeBytes { bytes in
          Result { () throws(RPCError) in try body(bytes, compressed) }
        }
        try result.get()
      }
    }
  }

  private func readPrefix(
    _ flag: UInt8, _ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8
  ) throws(RPCError) -> Int {
    guard flag <= 1 else {
      throw RPCError(code: .internal, message: "message prefix has invalid flag byte \(flag)")
    }
    let length = Int(b0) << 24 | Int(b1) << 16 | Int(b2) << 8 | Int(b3)
    guard length <= self.maximumMessageSize else {
      throw RPCError(
        code: .resourceExhausted,
        message: "message is \(length) bytes; limit \(self.maximumMessageSize)")
    }
    return length
  }
}

/// Writes the 5-byte gRPC message prefix.
package enum MessageFraming {
  package static let prefixSize = 5

  package static func writePrefix(length: Int, compressed: Bool = false, into buffer: UnsafeMutableRawBufferPointer) {
    buffer[0] = compressed ? 1 : 0
    buffer[1] = UInt8(truncatingIfNeeded: length >> 24)
    buffer[2] = UInt8(truncatingIfNeeded: length >> 16)
    buffer[3] = UInt8(truncatingIfNeeded: length >> 8)
    buffer[4] = UInt8(truncatingIfNeeded: length)
  }
}
