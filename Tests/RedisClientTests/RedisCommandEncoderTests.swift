import NIOCore
import RedisClient
import Testing

@Suite("Command encoding with redisFormatCommandArgv")
struct RedisCommandEncoderTests {
  @Test("Binary arguments are sent with their lengths, bytes as they are")
  func binaryArguments() {
    let command = RedisCommand("SET", ["key", RedisArgument([0, 13, 10, 255])])
    let bytes = Array(
      RedisCommandEncoder.encode([command], allocator: ByteBufferAllocator()).readableBytesView
    )
    #expect(
      bytes == Array("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$4\r\n".utf8) + [0, 13, 10, 255, 13, 10]
    )
  }

  @Test("Empty arguments and a command without arguments are encoded")
  func emptyArguments() {
    let buffer = RedisCommandEncoder.encode(
      [RedisCommand("ECHO", [""]), RedisCommand("PING")],
      allocator: ByteBufferAllocator()
    )
    #expect(String(buffer: buffer) == "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n*1\r\n$4\r\nPING\r\n")
  }

  @Test("Integer arguments are decimal text")
  func integerArguments() {
    let buffer = RedisCommandEncoder.encode(
      [RedisCommand("INCRBY", ["n", RedisArgument(-42)])],
      allocator: ByteBufferAllocator()
    )
    #expect(String(buffer: buffer) == "*3\r\n$6\r\nINCRBY\r\n$1\r\nn\r\n$3\r\n-42\r\n")
  }

  @Test("An encoded command reads back as an array of its bulk strings")
  func roundTrip() throws {
    let arguments = (0 ..< 50).map { index in
      RedisArgument((0 ..< index * 37).map { UInt8(truncatingIfNeeded: $0 * 7) })
    }
    let buffer = RedisCommandEncoder.encode(
      [RedisCommand("RPUSH", arguments)],
      allocator: ByteBufferAllocator()
    )
    let reader = makeReader()
    reader.feed(buffer)
    #expect(
      try reader.next() == .array([.bulk(Array("RPUSH".utf8))] + arguments.map { .bulk($0.bytes) })
    )
  }
}
