internal import CHiredis
package import NIOCore

/// Writes commands in RESP with hiredis's `redisFormatCommandArgv` (binary-safe: every
/// argument goes with its length).
package enum RedisCommandEncoder {
  /// Appends `command` to `buffer`.
  ///
  /// - Parameters:
  ///   - command: The command.
  ///   - buffer: Where its bytes go.
  package static func encode(_ command: RedisCommand, into buffer: inout ByteBuffer) {
    // One contiguous copy of the name and arguments, so that every argv pointer is valid at
    // once; a trailing byte keeps the base address non-nil when all of them are empty.
    var storage = Array(command.name.utf8)
    var spans = [(offset: 0, count: storage.count)]
    for argument in command.arguments {
      spans.append((storage.count, argument.bytes.count))
      storage.append(contentsOf: argument.bytes)
    }
    storage.append(0)
    storage.withUnsafeBufferPointer { bytes in
      let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
      var argv: [UnsafePointer<CChar>?] = spans.map { base + $0.offset }
      let lengths = spans.map(\.count)
      var formatted: UnsafeMutablePointer<CChar>?
      let count = redisFormatCommandArgv(&formatted, Int32(spans.count), &argv, lengths)
      // -1 only when malloc fails; Swift's own allocations trap then too.
      guard count >= 0, let formatted else { fatalError("redisFormatCommandArgv: out of memory") }
      defer { redisFreeCommand(formatted) }
      buffer.writeBytes(UnsafeRawBufferPointer(start: formatted, count: Int(count)))
    }
  }

  /// The bytes of `commands`, one after the other.
  ///
  /// - Parameters:
  ///   - commands: The commands.
  ///   - allocator: Allocates the buffer.
  /// - Returns: Their bytes.
  package static func encode(
    _ commands: [RedisCommand],
    allocator: ByteBufferAllocator
  ) -> ByteBuffer {
    var buffer = allocator.buffer(capacity: commands.reduce(0) { $0 + Self.estimatedSize($1) })
    for command in commands { Self.encode(command, into: &buffer) }
    return buffer
  }

  private static func estimatedSize(_ command: RedisCommand) -> Int {
    command.arguments.reduce(command.name.utf8.count + 16) { $0 + $1.bytes.count + 16 }
  }
}
