internal import CHiredis
package import NIOCore

/// The owner of one hiredis `redisReader`: bytes in, complete replies out, within limits.
///
/// One per connection, confined to its event loop (not `Sendable`). hiredis parses with our own
/// object functions (``RedisReplyReader/functions``), which build ``RedisReplyNode``s and find
/// this object through the reader's `privdata`. A reply that breaks a limit or the protocol is an
/// error; the reader then drops what it holds and keeps throwing that error (close the
/// connection). Memory stays within ``maximumReplyBytes`` plus the last fed buffer:
///
/// - a bulk string whose declared length takes the reply past ``maximumReplyBytes`` fails as
///   soon as its length line is in (hiredis itself waits for the whole bulk);
/// - an array declaring more than ``maximumElements`` fails at its header;
/// - a reply of which more than ``maximumReplyBytes`` arrived without its end fails (a status
///   line without `\r\n`, or an array that keeps growing);
/// - hiredis's own errors: nesting deeper than 7, a bad type byte, bad lengths.
///
/// ```swift
/// let reader = RedisReplyReader(maximumReplyBytes: 64 << 20, maximumElements: 1_000_000)
/// reader.feed(bytesFromSocket)
/// while let reply = try reader.next() { complete(reply) }
/// ```
package final class RedisReplyReader {
  /// The most bytes one reply may take on the wire.
  package let maximumReplyBytes: Int
  /// The most elements one array may declare.
  package let maximumElements: Int
  /// `nil` once the reader failed (hiredis's buffer and partial reply are freed then).
  private var reader: UnsafeMutablePointer<redisReader>?
  /// Why an object function refused to build (set by the callbacks, read after hiredis fails).
  var refusal: RedisError?
  private var failure: RedisError?
  /// Bytes of the reply in progress that hiredis already consumed.
  private var partialBytes = 0
  /// False while the reply in progress waits for a line end that the bytes fed since cannot
  /// hold: parsing again would only scan the same line (hiredis rescans from its start).
  private var mayProgress = true

  /// Creates a reader.
  ///
  /// - Parameters:
  ///   - maximumReplyBytes: The most bytes one reply may take on the wire.
  ///   - maximumElements: The most elements one array may declare.
  package init(maximumReplyBytes: Int, maximumElements: Int) {
    self.maximumReplyBytes = maximumReplyBytes
    self.maximumElements = maximumElements
    // NULL only when calloc fails; Swift's own allocations trap then too.
    guard let reader = redisReaderCreateWithFunctions(Self.functions) else {
      fatalError("hiredis could not allocate a reader: out of memory")
    }
    self.reader = reader
    reader.pointee.privdata = Unmanaged.passUnretained(self).toOpaque()
  }

  deinit {
    if let reader = self.reader { redisReaderFree(reader) }
  }

  /// Bytes hiredis holds in its buffer (consumed ones included until it discards them).
  package var bufferedByteCount: Int { self.reader?.pointee.len ?? 0 }

  /// Appends bytes read from the connection; ``next()`` parses them. Ignored once failed.
  ///
  /// - Parameter bytes: The bytes read.
  package func feed(_ bytes: ByteBuffer) {
    guard let reader = self.reader, bytes.readableBytes > 0 else { return }
    bytes.withUnsafeReadableBytes { raw in
      _ = redisReaderFeed(reader, raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
      if !self.mayProgress {
        self.mayProgress = raw.contains(UInt8(ascii: "\n")) || !self.pendingTaskAwaitsLine
      }
    }
  }

  /// The next complete reply, if the bytes fed so far hold one.
  ///
  /// - Returns: The reply, or `nil` when more bytes are needed.
  /// - Throws: ``RedisError`` with code `.replyTooLarge` or `.protocolError` (its message names
  ///   the rule, not the connection); every later call throws it again.
  package func next() throws(RedisError) -> RedisReply? {
    if let failure = self.failure { throw failure }
    guard let reader = self.reader else { return nil }
    guard self.mayProgress else {
      try self.checkIncompleteReply()
      return nil
    }
    let before = self.unconsumedBytes
    var object: UnsafeMutableRawPointer?
    guard redisReaderGetReply(reader, &object) == REDIS_OK else {
      throw self.fail(
        self.refusal
          ?? RedisError(code: .protocolError, message: "invalid reply: \(self.hiredisError)")
      )
    }
    self.partialBytes += before - self.unconsumedBytes
    guard let object else {
      self.mayProgress = false
      try self.checkIncompleteReply()
      return nil
    }
    let node = Unmanaged<RedisReplyNode>.fromOpaque(object).takeRetainedValue()
    let size = self.partialBytes
    self.partialBytes = 0
    guard size <= self.maximumReplyBytes else {
      throw self.fail(self.tooLarge("reply is \(size) bytes"))
    }
    return node.reply()
  }

  /// The connection ended: fails if a reply was in progress.
  ///
  /// - Throws: ``RedisError`` with code `.connectionClosed` when the bytes fed end inside a
  ///   reply ("cut short"), or the earlier failure.
  package func finish() throws(RedisError) {
    if let failure = self.failure { throw failure }
    let pending = self.partialBytes + self.unconsumedBytes
    guard pending > 0 else { return }
    throw self.fail(
      RedisError(
        code: .connectionClosed,
        message:
          "the connection closed in the middle of a reply (cut short after \(pending) bytes of it)"
      )
    )
  }

  // MARK: Limits

  private func checkIncompleteReply() throws(RedisError) {
    if let header = self.pendingBulkHeader() {
      let total = self.partialBytes + header.lineBytes + header.length + 2
      guard total <= self.maximumReplyBytes else {
        throw self.fail(
          self.tooLarge("reply is at least \(total) bytes (a bulk string of \(header.length))")
        )
      }
    } else if self.pendingTask?.type == REDIS_REPLY_STRING
      && self.unconsumedBytes > Self.longestBulkHeader
    {
      throw self.fail(
        RedisError(
          code: .protocolError,
          message:
            "invalid reply: bulk string length line longer than \(Self.longestBulkHeader) bytes"
        )
      )
    }
    let received = self.partialBytes + self.unconsumedBytes
    guard received <= self.maximumReplyBytes else {
      throw self.fail(self.tooLarge("incomplete reply is already \(received) bytes"))
    }
  }

  private func tooLarge(_ what: String) -> RedisError {
    RedisError(
      code: .replyTooLarge,
      message: "\(what); limit \(self.maximumReplyBytes) (maximumReplyBytes)"
    )
  }

  /// Records `error`, frees hiredis's reader (its buffer and the partial reply) and returns it.
  private func fail(_ error: RedisError) -> RedisError {
    self.failure = error
    if let reader = self.reader { redisReaderFree(reader) }
    self.reader = nil
    return error
  }

  // MARK: hiredis's state

  /// A bulk length line: `-` and 19 digits, `\r\n`.
  private static let longestBulkHeader = 22

  private var unconsumedBytes: Int {
    guard let reader = self.reader else { return 0 }
    return reader.pointee.len - reader.pointee.pos
  }

  private var hiredisError: String {
    guard let reader = self.reader else { return "" }
    return withUnsafeBytes(of: reader.pointee.errstr) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
  }

  /// The task hiredis stopped at, while a reply is in progress.
  private var pendingTask: redisReadTask? {
    guard let reader = self.reader, reader.pointee.ridx >= 0 else { return nil }
    let index = Int(reader.pointee.ridx)
    return withUnsafeBytes(of: reader.pointee.rstack) { raw in
      raw.load(fromByteOffset: index * MemoryLayout<redisReadTask>.stride, as: redisReadTask.self)
    }
  }

  /// True when hiredis waits for the end of a line (status, error, integer, or a length):
  /// bytes without `\n` cannot complete it.
  private var pendingTaskAwaitsLine: Bool {
    guard let task = self.pendingTask else { return false }
    switch task.type {
    case REDIS_REPLY_STATUS, REDIS_REPLY_ERROR, REDIS_REPLY_INTEGER, REDIS_REPLY_ARRAY: return true
    case REDIS_REPLY_STRING: return self.pendingBulkHeader() == nil
    default: return false
    }
  }

  /// For a bulk string hiredis waits for, its length line (hiredis leaves `pos` at the digits
  /// until the whole bulk is in): its size with `\r\n`, and the declared length.
  private func pendingBulkHeader() -> (lineBytes: Int, length: Int)? {
    guard let reader = self.reader, let buffer = reader.pointee.buf,
      self.pendingTask?.type == REDIS_REPLY_STRING
    else { return nil }
    let start = UnsafeRawPointer(buffer + reader.pointee.pos)
    let line = UnsafeRawBufferPointer(
      start: start,
      count: min(self.unconsumedBytes, Self.longestBulkHeader)
    )
    guard let end = line.firstIndex(of: UInt8(ascii: "\r")), end + 1 < line.count,
      line[end + 1] == UInt8(ascii: "\n"),
      let length = Int(String(decoding: line[..<end], as: UTF8.self))
    else { return nil }
    return (end + 2, length)
  }
}
