import NIOCore
import RedisClient
import Testing

@Suite("Reply reader: reply types and framing")
struct RedisReplyReaderTests {
  @Test(
    "Every reply type is read",
    arguments: [
      ("+OK\r\n", RedisReply.status("OK")),
      ("-ERR wrong type\r\n", .error("ERR wrong type")),
      (":42\r\n", .integer(42)),
      (":-9223372036854775808\r\n", .integer(.min)),
      ("$3\r\nfoo\r\n", .bulk(Array("foo".utf8))),
      ("$0\r\n\r\n", .bulk([])),
      ("$-1\r\n", .null),
      ("*-1\r\n", .null),
      ("*0\r\n", .array([])),
      ("*3\r\n$1\r\na\r\n:1\r\n$-1\r\n", .array([.bulk([97]), .integer(1), .null])),
      ("*2\r\n*1\r\n+x\r\n*-1\r\n", .array([.array([.status("x")]), .null])),
    ]
  )
  func everyReplyTypeIsRead(wire: String, expected: RedisReply) throws {
    let reader = makeReader()
    reader.feed(ByteBuffer(string: wire))
    #expect(try reader.next() == expected)
    #expect(try reader.next() == nil)
    try reader.finish()
  }

  @Test("Bulk strings keep every byte, CR LF and NUL included")
  func bulkStringsAreBinarySafe() throws {
    let payload: [UInt8] = [0, 13, 10, 255, 36, 13, 10, 0]
    let reader = makeReader()
    reader.feed(ByteBuffer(bytes: Array("$8\r\n".utf8) + payload + [13, 10]))
    #expect(try reader.next() == .bulk(payload))
  }

  @Test("A reply fed one byte at a time comes out once, complete")
  func replyFedByteByByte() throws {
    let wire = Array("*3\r\n$5\r\nhello\r\n*2\r\n:1\r\n-ERR x\r\n+done\r\n".utf8)
    let reader = makeReader()
    for (index, byte) in wire.enumerated() {
      reader.feed(ByteBuffer(bytes: [byte]))
      let reply = try reader.next()
      if index < wire.count - 1 {
        #expect(reply == nil, "a reply after \(index + 1) of \(wire.count) bytes")
      } else {
        #expect(
          reply
            == .array([
              .bulk(Array("hello".utf8)), .array([.integer(1), .error("ERR x")]), .status("done"),
            ])
        )
      }
    }
    try reader.finish()
  }

  @Test("A reply split at every offset is read the same")
  func replySplitAtEveryOffset() throws {
    let wire = Array("*2\r\n$12\r\nhello\r\nworld\r\n*1\r\n:-5\r\n+next\r\n".utf8)
    let expected: [RedisReply] = [
      .array([.bulk(Array("hello\r\nworld".utf8)), .array([.integer(-5)])]), .status("next"),
    ]
    for split in 0 ... wire.count {
      let reader = makeReader()
      var replies: [RedisReply] = []
      for part in [wire[..<split], wire[split...]] {
        reader.feed(ByteBuffer(bytes: part))
        while let reply = try reader.next() { replies.append(reply) }
      }
      #expect(replies == expected, "split at \(split)")
      try reader.finish()
    }
  }

  @Test("Many pipelined replies in one feed come out in order")
  func pipelinedRepliesInOneFeed() throws {
    var wire = ""
    for index in 0 ..< 5000 {
      wire += index % 2 == 0 ? ":\(index)\r\n" : "$\(String(index).utf8.count)\r\n\(index)\r\n"
    }
    let reader = makeReader()
    reader.feed(ByteBuffer(string: wire))
    var replies: [RedisReply] = []
    while let reply = try reader.next() { replies.append(reply) }
    #expect(replies.count == 5000)
    #expect(replies[4998] == .integer(4998))
    #expect(replies[4999] == .bulk(Array("4999".utf8)))
    #expect(reader.bufferedByteCount < 1024)
  }

  @Test("Eight nested arrays are read")
  func eightNestedArraysAreRead() throws {
    let reader = makeReader()
    reader.feed(ByteBuffer(string: String(repeating: "*1\r\n", count: 8) + ":7\r\n"))
    var expected = RedisReply.integer(7)
    for _ in 0 ..< 8 { expected = .array([expected]) }
    #expect(try reader.next() == expected)
  }

  @Test("A connection that ends between replies is not cut short")
  func endBetweenRepliesIsFine() throws {
    let reader = makeReader()
    reader.feed(ByteBuffer(string: "+OK\r\n"))
    _ = try reader.next()
    try reader.finish()
  }

  @Test("A connection that ends inside a reply is cut short")
  func endInsideReplyIsCutShort() throws {
    let reader = makeReader()
    reader.feed(ByteBuffer(string: "*2\r\n:1\r\n"))
    #expect(try reader.next() == nil)
    let error = #expect(throws: RedisError.self) { try reader.finish() }
    #expect(error?.code == .connectionClosed)
    #expect(error?.message.contains("cut short after 8 bytes") == true)
  }
}

/// A reader with the client's default limits unless told otherwise.
func makeReader(
  maximumReplyBytes: Int = 64 << 20,
  maximumElements: Int = 1_000_000
) -> RedisReplyReader {
  RedisReplyReader(maximumReplyBytes: maximumReplyBytes, maximumElements: maximumElements)
}
