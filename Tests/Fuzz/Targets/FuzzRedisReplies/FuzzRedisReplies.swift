import NIOCore
import RedisClient

// libFuzzer target: the RESP reply reader (hiredis's parser under our object functions and
// limits), as a connection feeds it.
//
// The first input byte chooses a chunk size (1...64); the rest are the server's bytes. Rules
// checked for every input:
// - fed whole or in chunks, the reader returns the same replies, and fails (with the same error
//   code) or waits for more at the same point;
// - every reply written back as RESP reads back equal (parse(write(r)) == r);
// - no trap, and `finish()` after the bytes either succeeds or throws, never traps.

let limits = (replyBytes: 1 << 16, elements: 1_024)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRedisReplies(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size > 0 else { return 0 }
  let chunkSize = Int(data[0] % 64) + 1
  let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))

  let whole = readAll(bytes, chunkSize: max(bytes.count, 1))
  let chunked = readAll(bytes, chunkSize: chunkSize)
  precondition(
    whole.replies == chunked.replies,
    "whole: \(whole.replies.count) replies, chunks of \(chunkSize): \(chunked.replies.count)")
  precondition(
    whole.failure == chunked.failure,
    "whole failed with \(String(describing: whole.failure)), chunks of \(chunkSize) with \(String(describing: chunked.failure))"
  )

  for reply in whole.replies {
    let again = readAll(write(reply), chunkSize: Int.max)
    precondition(again.failure == nil, "a reply written back fails to read: \(reply)")
    precondition(again.replies == [reply], "a reply written back reads as \(again.replies)")
  }
  return 0
}

/// Feeds `bytes` in chunks of `chunkSize`, taking every complete reply after each chunk.
func readAll(_ bytes: [UInt8], chunkSize: Int) -> (replies: [RedisReply], failure: RedisError.Code?) {
  let reader = RedisReplyReader(maximumReplyBytes: limits.replyBytes, maximumElements: limits.elements)
  var replies: [RedisReply] = []
  var start = 0
  repeat {
    let end = min(bytes.count, start + min(chunkSize, bytes.count - start))
    reader.feed(ByteBuffer(bytes: bytes[start..<end]))
    start = end
    do {
      while let reply = try reader.next() { replies.append(reply) }
    } catch {
      return (replies, error.code)
    }
  } while start < bytes.count
  _ = try? reader.finish()
  return (replies, nil)
}

/// The RESP2 bytes of a reply.
func write(_ reply: RedisReply) -> [UInt8] {
  switch reply {
  case .status(let text): return Array("+\(text)\r\n".utf8)
  case .error(let text): return Array("-\(text)\r\n".utf8)
  case .integer(let value): return Array(":\(value)\r\n".utf8)
  case .bulk(let bytes): return Array("$\(bytes.count)\r\n".utf8) + bytes + Array("\r\n".utf8)
  case .null: return Array("$-1\r\n".utf8)
  case .array(let elements): return Array("*\(elements.count)\r\n".utf8) + elements.flatMap(write)
  }
}
