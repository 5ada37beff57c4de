import Testing

@testable import GRPCKit

@Suite("Message deframer")
struct MessageDeframerTests {
  private func framed(_ body: [UInt8], flag: UInt8 = 0) -> [UInt8] {
    let n = body.count
    return [flag, UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + body
  }

  private func deframe(_ chunks: [[UInt8]], limit: Int = 1 << 20) throws(RPCError) -> [[UInt8]] {
    var deframer = MessageDeframer(maximumMessageSize: limit)
    var messages: [[UInt8]] = []
    for chunk in chunks {
      let result = chunk.withUnsafeBytes { raw in
        Result { () throws(RPCError) in
          try deframer.process(raw) { (message, _) throws(RPCError) in messages.append(Array(message)) }
        }
      }
      try result.get()
    }
    return messages
  }

  @Test("Several messages in one chunk come out in order")
  func severalMessagesInOneChunk() throws {
    let bytes = framed([1, 2, 3]) + framed([]) + framed([4])
    #expect(try deframe([bytes]) == [[1, 2, 3], [], [4]])
  }

  @Test("A message split at every byte boundary is reassembled", arguments: 1..<12)
  func splitMessage(at split: Int) throws {
    let bytes = framed(Array(0..<7)) + framed([9])
    let messages = try deframe([Array(bytes[..<split]), Array(bytes[split...])])
    #expect(messages == [Array(0..<7), [9]])
  }

  @Test("A zero-length message after a split prefix is delivered")
  func zeroLengthAfterSplitPrefix() throws {
    let bytes = framed([])
    #expect(try deframe([Array(bytes[..<2]), Array(bytes[2...])]) == [[]])
  }

  @Test("A length over the limit is RESOURCE_EXHAUSTED before the body arrives")
  func overLimit() {
    #expect {
      _ = try deframe([Array(framed([UInt8](repeating: 0, count: 11))[..<5])], limit: 10)
    } throws: { error in
      (error as? RPCError)?.code == .resourceExhausted
        && (error as? RPCError)?.message == "message is 11 bytes; limit 10"
    }
  }

  @Test("Each message comes with its compressed flag, also when split across chunks")
  func compressedFlag() throws {
    let bytes = framed([1], flag: 1) + framed([2]) + framed([3, 4], flag: 1)
    var deframer = MessageDeframer(maximumMessageSize: 100)
    var flags: [Bool] = []
    for chunk in [Array(bytes[..<3]), Array(bytes[3..<14]), Array(bytes[14...])] {
      try chunk.withUnsafeBytes { raw in
        try deframer.process(raw) { (_, compressed) throws(RPCError) in flags.append(compressed) }
      }
    }
    #expect(flags == [true, false, true])
  }

  @Test("A flag byte other than 0 and 1 is INTERNAL")
  func invalidFlag() {
    #expect {
      _ = try deframe([framed([1], flag: 2)])
    } throws: { error in
      (error as? RPCError)?.code == .internal && (error as? RPCError)?.message == "message prefix has invalid flag byte 2"
    }
  }

  @Test("A cut-short message is reported as partial")
  func partialMessage() throws {
    var deframer = MessageDeframer(maximumMessageSize: 100)
    let bytes = framed([1, 2, 3])
    try Array(bytes[..<6]).withUnsafeBytes { raw in
      try deframer.process(raw) { (_, _) throws(RPCError) in Issue.record("no message expected") }
    }
    #expect(deframer.hasPartialMessage)
  }
}
