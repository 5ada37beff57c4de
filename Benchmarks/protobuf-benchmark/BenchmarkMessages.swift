import ChatAPI
import ProtobufRuntime

/// The values every codec benchmark encodes and decodes. libprotobuf-c's side reads the same values by
/// unpacking the bytes these encode to, so both libraries work on identical messages.
enum BenchmarkMessages {
  /// A typical chat line: short user, 64-byte text, a millisecond timestamp.
  static let chat = ChatMessage(
    user: "alice",
    message: String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 2).prefix(64).description,
    timestamp: 1_732_000_000_123
  )

  /// A message with every kind of field populated.
  static let rich: ProtobufTest_RichMessage = {
    var message = ProtobufTest_RichMessage()
    message.fDouble = 3.141592653589793
    message.fFloat = 2.5
    message.fInt32 = -42
    message.fInt64 = 1 << 40
    message.fUint32 = 4_000_000_000
    message.fUint64 = 1 << 60
    message.fSint32 = -1_000_000
    message.fSint64 = -(1 << 50)
    message.fFixed32 = 0xDEAD_BEEF
    message.fFixed64 = 0x0123_4567_89AB_CDEF
    message.fSfixed32 = -7
    message.fSfixed64 = -9
    message.fBool = true
    message.fString = "a string field with some text in it"
    message.fBytes = (0..<32).map { UInt8($0) }
    message.fColor = .green
    message.fNested = ProtobufTest_Nested(id: 7, name: "nested", child: ProtobufTest_Nested(id: 8, name: "deeper"))
    message.rInt32 = (0..<16).map { Int32($0 * 1000 - 5000) }
    message.rDouble = (0..<8).map { Double($0) * 0.5 }
    message.rSint64 = (0..<8).map { Int64($0) * -123_456_789 }
    message.rString = ["alpha", "beta", "gamma", "delta"]
    message.rNested = (0..<4).map { ProtobufTest_Nested(id: Int32($0), name: "item \($0)") }
    message.uInt32 = [1, 2, 3, 4]
    message.mStringInt32 = ["one": 1, "two": 2, "three": 3, "four": 4]
    message.mUint32Nested = [1: ProtobufTest_Nested(id: 1, name: "a"), 2: ProtobufTest_Nested(id: 2, name: "b")]
    message.choice = .oString("oneof text")
    message.fLargeNumber = 99
    return message
  }()
}
