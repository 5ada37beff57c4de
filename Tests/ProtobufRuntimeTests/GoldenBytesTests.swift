import ChatAPI
import ProtobufRuntime
import Testing

/// Encodings checked by hand against the protobuf encoding specification
/// (https://protobuf.dev/programming-guides/encoding/): each case gives a message and the exact bytes,
/// and the test checks both directions.
@Suite("Golden bytes")
struct GoldenBytesTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var message: ProtobufTest_RichMessage
    var bytes: [UInt8]
    var testDescription: String { name }
  }

  static func rich(_ build: (inout ProtobufTest_RichMessage) -> Void) -> ProtobufTest_RichMessage {
    var message = ProtobufTest_RichMessage()
    build(&message)
    return message
  }

  static let cases: [Case] = [
    Case(name: "empty message", message: rich { _ in }, bytes: []),
    // The spec's first example: field 1 (here field 3) = 150.
    Case(name: "int32 150", message: rich { $0.fInt32 = 150 }, bytes: [0x18, 0x96, 0x01]),
    Case(
      name: "negative int32 takes ten bytes",
      message: rich { $0.fInt32 = -1 },
      bytes: [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
    ),
    Case(name: "int32 min", message: rich { $0.fInt32 = .min }, bytes: [0x18, 0x80, 0x80, 0x80, 0x80, 0xF8, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    Case(name: "int64 max", message: rich { $0.fInt64 = .max }, bytes: [0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
    Case(name: "uint32 max", message: rich { $0.fUint32 = .max }, bytes: [0x28, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
    Case(name: "uint64 max", message: rich { $0.fUint64 = .max }, bytes: [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    // ZigZag: 0→0, -1→1, 1→2, -2→3.
    Case(name: "sint32 -1 is zigzag 1", message: rich { $0.fSint32 = -1 }, bytes: [0x38, 0x01]),
    Case(name: "sint32 1 is zigzag 2", message: rich { $0.fSint32 = 1 }, bytes: [0x38, 0x02]),
    Case(name: "sint32 min", message: rich { $0.fSint32 = .min }, bytes: [0x38, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
    Case(name: "sint64 -2 is zigzag 3", message: rich { $0.fSint64 = -2 }, bytes: [0x40, 0x03]),
    Case(name: "fixed32 little-endian", message: rich { $0.fFixed32 = 0x0102_0304 }, bytes: [0x4D, 0x04, 0x03, 0x02, 0x01]),
    Case(name: "fixed64 one", message: rich { $0.fFixed64 = 1 }, bytes: [0x51, 0x01, 0, 0, 0, 0, 0, 0, 0]),
    Case(name: "sfixed32 -1", message: rich { $0.fSfixed32 = -1 }, bytes: [0x5D, 0xFF, 0xFF, 0xFF, 0xFF]),
    Case(name: "sfixed64 min", message: rich { $0.fSfixed64 = .min }, bytes: [0x61, 0, 0, 0, 0, 0, 0, 0, 0x80]),
    Case(name: "double 1.0", message: rich { $0.fDouble = 1.0 }, bytes: [0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F]),
    Case(name: "float 1.5", message: rich { $0.fFloat = 1.5 }, bytes: [0x15, 0x00, 0x00, 0xC0, 0x3F]),
    Case(name: "negative zero double is written", message: rich { $0.fDouble = -0.0 }, bytes: [0x09, 0, 0, 0, 0, 0, 0, 0, 0x80]),
    Case(name: "bool true", message: rich { $0.fBool = true }, bytes: [0x68, 0x01]),
    // The spec's string example: field 2 = "testing" (here field 14).
    Case(name: "string testing", message: rich { $0.fString = "testing" }, bytes: [0x72, 0x07] + Array("testing".utf8)),
    Case(name: "non-ASCII string", message: rich { $0.fString = "é" }, bytes: [0x72, 0x02, 0xC3, 0xA9]),
    Case(name: "bytes", message: rich { $0.fBytes = [0x00, 0xFF] }, bytes: [0x7A, 0x02, 0x00, 0xFF]),
    Case(name: "enum value", message: rich { $0.fColor = .blue }, bytes: [0x80, 0x01, 0x03]),
    Case(name: "unknown enum value kept", message: rich { $0.fColor = .unrecognized(7) }, bytes: [0x80, 0x01, 0x07]),
    Case(
      name: "negative enum value is a ten-byte varint",
      message: rich { $0.fColor = .unrecognized(-3) },
      bytes: [0x80, 0x01, 0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
    ),
    // The spec's embedded-message example: a message holding field 1 = 150 (here Nested.id in field 17).
    Case(
      name: "nested message",
      message: rich { $0.fNested = ProtobufTest_Nested(id: 150) },
      bytes: [0x8A, 0x01, 0x03, 0x08, 0x96, 0x01]
    ),
    Case(name: "empty nested message is present", message: rich { $0.fNested = ProtobufTest_Nested() }, bytes: [0x8A, 0x01, 0x00]),
    // The spec's packed example: [3, 270, 86942] → 03 8E 02 9E A7 05.
    Case(
      name: "packed repeated int32",
      message: rich { $0.rInt32 = [3, 270, 86942] },
      bytes: [0xBA, 0x01, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05]
    ),
    Case(
      name: "packed repeated fixed32",
      message: rich { $0.rFixed32 = [1, 2] },
      bytes: [0xEA, 0x01, 0x08, 0x01, 0, 0, 0, 0x02, 0, 0, 0]
    ),
    Case(
      name: "repeated strings are never packed",
      message: rich { $0.rString = ["a", ""] },
      bytes: [0x92, 0x02, 0x01, 0x61, 0x92, 0x02, 0x00]
    ),
    Case(
      name: "unpacked repeated int32",
      message: rich { $0.uInt32 = [1, 2] },
      bytes: [0xC8, 0x02, 0x01, 0xC8, 0x02, 0x02]
    ),
    Case(
      name: "map entry has key 1 and value 2",
      message: rich { $0.mStringInt32 = ["a": 1] },
      bytes: [0x9A, 0x03, 0x05, 0x0A, 0x01, 0x61, 0x10, 0x01]
    ),
    Case(name: "oneof member with default value is written", message: rich { $0.choice = .oInt64(0) }, bytes: [0xF0, 0x03, 0x00]),
    Case(name: "oneof string", message: rich { $0.oString = "x" }, bytes: [0xEA, 0x03, 0x01, 0x78]),
    Case(name: "largest field number", message: rich { $0.fLargeNumber = 1 }, bytes: [0xF8, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]),
    Case(
      name: "fields in number order",
      message: rich {
        $0.fString = "a"
        $0.fInt32 = 1
        $0.fDouble = 2
      },
      bytes: [0x09, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x18, 0x01, 0x72, 0x01, 0x61]
    ),
  ]

  @Test("Encodes to the expected bytes", arguments: cases)
  func encodes(_ golden: Case) {
    #expect(golden.message.serializedBytes() == golden.bytes)
    #expect(golden.message.encodedSize() == golden.bytes.count)
  }

  @Test("Decodes the expected bytes", arguments: cases)
  func decodes(_ golden: Case) throws {
    #expect(try ProtobufTest_RichMessage(serializedBytes: golden.bytes) == golden.message)
  }

  @Test("ChatMessage from chat.proto encodes as the spec says")
  func chatMessage() throws {
    let message = ChatMessage(user: "ada", message: "hi", timestamp: 1_700_000_000_000)
    let bytes: [UInt8] =
      [0x0A, 0x03, 0x61, 0x64, 0x61]  // field 1, length 3, "ada"
      + [0x12, 0x02, 0x68, 0x69]  // field 2, length 2, "hi"
      + [0x18, 0x80, 0xD0, 0x95, 0xFF, 0xBC, 0x31]  // field 3, varint 1700000000000
    #expect(message.serializedBytes() == bytes)
    #expect(try ChatMessage(serializedBytes: bytes) == message)
  }

  @Test("proto3 optional writes a set default value and omits nil")
  func explicitPresence() throws {
    var message = ProtobufTest_PresenceMessage()
    #expect(message.serializedBytes() == [])
    message.pInt32 = 0
    message.pString = ""
    message.implicitInt32 = 0
    #expect(message.serializedBytes() == [0x08, 0x00, 0x12, 0x00])
    let decoded = try ProtobufTest_PresenceMessage(serializedBytes: [0x08, 0x00, 0x12, 0x00])
    #expect(decoded.pInt32 == 0)
    #expect(decoded.pString == "")
    #expect(decoded.pNested == nil)
  }

  @Test("Unpacked input is accepted for a packed field and packed input for an unpacked one")
  func packedAndUnpackedBothDecode() throws {
    let unpackedIntoPacked = try ProtobufTest_RichMessage(serializedBytes: [0xB8, 0x01, 0x05, 0xB8, 0x01, 0x06])
    #expect(unpackedIntoPacked.rInt32 == [5, 6])
    let packedIntoUnpacked = try ProtobufTest_RichMessage(serializedBytes: [0xCA, 0x02, 0x02, 0x05, 0x06])
    #expect(packedIntoUnpacked.uInt32 == [5, 6])
  }

  @Test("A repeated singular message field merges; a repeated scalar keeps the last value")
  func mergeSemantics() throws {
    let bytes: [UInt8] =
      [0x8A, 0x01, 0x02, 0x08, 0x01]  // fNested { id: 1 }
      + [0x8A, 0x01, 0x03, 0x12, 0x01, 0x78]  // fNested { name: "x" }
      + [0x18, 0x01, 0x18, 0x02]  // fInt32 = 1, then 2
    let message = try ProtobufTest_RichMessage(serializedBytes: bytes)
    #expect(message.fNested == ProtobufTest_Nested(id: 1, name: "x"))
    #expect(message.fInt32 == 2)
  }

  @Test("A later oneof member replaces an earlier one")
  func oneofLastWins() throws {
    let message = try ProtobufTest_RichMessage(serializedBytes: [0xEA, 0x03, 0x01, 0x78, 0xF0, 0x03, 0x07])
    #expect(message.choice == .oInt64(7))
    #expect(message.oString == "")
  }

  @Test("Unknown fields survive a decode and re-encode")
  func unknownFieldsRoundTrip() throws {
    var full = ProtobufTest_RichMessage()
    full.fInt32 = 5
    full.fDouble = 1.5
    full.mStringInt32 = ["k": 9]
    full.fColor = .green
    let subset = try ProtobufTest_RichSubset(serializedBytes: full.serializedBytes())
    #expect(subset.fInt32 == 5)
    #expect(!subset.unknownFields.isEmpty)
    let back = try ProtobufTest_RichMessage(serializedBytes: subset.serializedBytes())
    #expect(back == full)
  }

  @Test("An over-long tag for an unknown field is re-encoded minimally")
  func unknownFieldTagCanonicalised() throws {
    // Field 1 (unknown to RichSubset) as varint 0x08 written in two bytes: 0x88 0x00.
    let subset = try ProtobufTest_RichSubset(serializedBytes: [0x88, 0x00, 0x2A])
    #expect(subset.unknownFields.bytes == [0x08, 0x2A])
  }
}
