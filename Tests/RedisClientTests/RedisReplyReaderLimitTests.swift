import NIOCore
import RedisClient
import Testing

@Suite("Reply reader: limits and malformed input")
struct RedisReplyReaderLimitTests {
  @Test("A bulk string declaring 2^40 bytes fails as soon as its length line is in")
  func hugeBulkFailsAtItsLengthLine() throws {
    let reader = makeReader()
    reader.feed(ByteBuffer(string: "$1099511627776\r\nabc"))
    let error = #expect(throws: RedisError.self) { try reader.next() }
    #expect(error?.code == .replyTooLarge)
    #expect(
      error?.message
        == "reply is at least 1099511627794 bytes (a bulk string of 1099511627776); limit 67108864 (maximumReplyBytes)"
    )
    #expect(reader.bufferedByteCount == 0)
  }

  @Test("A bulk string inside an array counts the array's bytes before it")
  func bulkInsideArrayCountsWholeReply() throws {
    let reader = makeReader(maximumReplyBytes: 100)
    reader.feed(
      ByteBuffer(string: "*2\r\n$60\r\n" + String(repeating: "a", count: 60) + "\r\n$40\r\n")
    )
    let error = #expect(throws: RedisError.self) { try reader.next() }
    #expect(error?.code == .replyTooLarge)
    #expect(error?.message.contains("(a bulk string of 40); limit 100") == true)
  }

  @Test("An array declaring 2^31 elements is out of hiredis's range")
  func arrayOfTwoToTheThirtyOne() throws {
    let reader = makeReader()
    reader.feed(ByteBuffer(string: "*2147483648\r\n"))
    let error = #expect(throws: RedisError.self) { try reader.next() }
    #expect(error?.code == .protocolError)
    #expect(error?.message == "invalid reply: Multi-bulk length out of range")
  }

  @Test(
    "An array declaring more elements than the limit fails at its header, nested or not",
    arguments: ["*10000000\r\n", "*2\r\n:1\r\n*10000000\r\n"]
  )
  func tooManyElements(wire: String) throws {
    let reader = makeReader()
    reader.feed(ByteBuffer(string: wire))
    let error = #expect(throws: RedisError.self) { try reader.next() }
    #expect(error?.code == .replyTooLarge)
    #expect(error?.message == "array of 10000000 elements; limit 1000000 (maximumElements)")
    #expect(reader.bufferedByteCount == 0)
  }

  @Test("A status line without its end fails once it passes the byte limit")
  func endlessStatusLine() throws {
    let reader = makeReader(maximumReplyBytes: 1000)
    reader.feed(ByteBuffer(string: "+"))
    var failure: RedisError?
    for _ in 0 ..< 20 {
      reader.feed(ByteBuffer(string: String(repeating: "a", count: 100)))
      #expect(reader.bufferedByteCount <= 1000 + 100)
      do {
        #expect(try reader.next() == nil)
      } catch {
        failure = error
        break
      }
    }
    #expect(failure?.code == .replyTooLarge)
    #expect(
      failure?.message == "incomplete reply is already 1001 bytes; limit 1000 (maximumReplyBytes)"
    )
    #expect(reader.bufferedByteCount == 0)
  }

  @Test("An array that keeps growing fails once it passes the byte limit")
  func endlessArray() throws {
    let reader = makeReader(maximumReplyBytes: 4096)
    reader.feed(ByteBuffer(string: "*1000000\r\n"))
    var failure: RedisError?
    for _ in 0 ..< 2000 {
      reader.feed(ByteBuffer(string: String(repeating: ":1\r\n", count: 10)))
      #expect(reader.bufferedByteCount <= 4096 + 40)
      do {
        #expect(try reader.next() == nil)
      } catch {
        failure = error
        break
      }
    }
    #expect(failure?.code == .replyTooLarge)
    #expect(failure?.message.hasPrefix("incomplete reply is already") == true)
  }

  @Test("A complete reply that arrived in one piece still counts against the limit")
  func completeReplyOverTheLimit() throws {
    let reader = makeReader(maximumReplyBytes: 10)
    reader.feed(ByteBuffer(string: "$20\r\n" + String(repeating: "x", count: 20) + "\r\n"))
    let error = #expect(throws: RedisError.self) { try reader.next() }
    #expect(error?.code == .replyTooLarge)
    #expect(error?.message == "reply is 27 bytes; limit 10 (maximumReplyBytes)")
  }

  @Test("Nine nested arrays are refused")
  func nineNestedArrays() throws {
    let reader = makeReader()
    reader.feed(ByteBuffer(string: String(repeating: "*1\r\n", count: 9) + ":1\r\n"))
    let error = #expect(throws: RedisError.self) { try reader.next() }
    #expect(error?.code == .protocolError)
    #expect(
      error?.message == "invalid reply: No support for nested multi bulk replies with depth > 7"
    )
  }

  @Test(
    "Malformed replies are protocol errors that name the rule",
    arguments: [
      ("?what\r\n", "Protocol error, got \"?\" as reply type byte"),
      ("\u{1}\r\n", "Protocol error, got \"\\x01\" as reply type byte"),
      ("$abc\r\n", "Bad bulk string length"),
      ("$-2\r\n", "Bulk string length out of range"),
      ("*x\r\n", "Bad multi-bulk length"),
      ("*-2\r\n", "Multi-bulk length out of range"),
      (":12a\r\n", "Bad integer value"),
      ("*2\r\n:1\r\n!\r\n", "Protocol error, got \"!\" as reply type byte"),
    ]
  )
  func malformedReplies(wire: String, rule: String) throws {
    let reader = makeReader()
    reader.feed(ByteBuffer(string: wire))
    let error = #expect(throws: RedisError.self) { try reader.next() }
    #expect(error?.code == .protocolError)
    #expect(error?.message == "invalid reply: \(rule)")
  }

  @Test("A bulk length line longer than any number is refused before its end comes")
  func endlessBulkLengthLine() throws {
    let reader = makeReader()
    reader.feed(ByteBuffer(string: "$" + String(repeating: "9", count: 30)))
    let error = #expect(throws: RedisError.self) { try reader.next() }
    #expect(error?.code == .protocolError)
  }

  @Test("A failed reader keeps failing and ignores more bytes")
  func failureIsSticky() throws {
    let reader = makeReader()
    reader.feed(ByteBuffer(string: "?\r\n"))
    let first = #expect(throws: RedisError.self) { try reader.next() }
    reader.feed(ByteBuffer(string: "+OK\r\n"))
    let second = #expect(throws: RedisError.self) { try reader.next() }
    #expect(first == second)
    #expect(reader.bufferedByteCount == 0)
  }

  @Test("Random garbage ends in replies or an error, never a crash, within the limits")
  func randomGarbage() throws {
    var random = SplitMix64(seed: 0x5eed)
    let alphabet = Array("+-:$*\r\n0123456789-abc".utf8) + [0, 255]
    for _ in 0 ..< 2000 {
      let reader = makeReader(maximumReplyBytes: 512, maximumElements: 64)
      var failed = false
      for _ in 0 ..< 8 where !failed {
        let chunk = (0 ..< Int.random(in: 1 ... 64, using: &random)).map { _ in
          alphabet[Int.random(in: 0 ..< alphabet.count, using: &random)]
        }
        reader.feed(ByteBuffer(bytes: chunk))
        do {
          while try reader.next() != nil {}
        } catch {
          failed = true
        }
        #expect(reader.bufferedByteCount <= 512 + 64)
      }
    }
  }
}

/// A small deterministic random number generator for reproducible garbage.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) {
    self.state = seed
  }

  mutating func next() -> UInt64 {
    self.state &+= 0x9E37_79B9_7F4A_7C15
    var z = self.state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
