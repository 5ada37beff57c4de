import ProtobufRuntime
import Testing

/// Malformed input never crashes: each kind of damage gives its own ``WireDecodingError`` code.
@Suite("Malformed input")
struct MalformedInputTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var code: WireDecodingError.Code
    /// Words the error message must contain.
    var mentions: String
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "truncated varint", bytes: [0x18, 0x96], code: .truncated, mentions: "varint"),
    Case(name: "input ends after a tag", bytes: [0x18], code: .truncated, mentions: "varint"),
    Case(
      name: "varint over 10 bytes",
      bytes: [0x18] + [UInt8](repeating: 0xFF, count: 10) + [0x01],
      code: .malformedVarint,
      mentions: "10 bytes"
    ),
    Case(name: "length past the end", bytes: [0x72, 0x05, 0x61], code: .lengthOutOfBounds, mentions: "length 5"),
    Case(
      name: "huge length",
      bytes: [0x72, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
      code: .lengthOutOfBounds,
      mentions: "runs past the end"
    ),
    Case(name: "truncated fixed32", bytes: [0x4D, 0x01, 0x02], code: .truncated, mentions: "32-bit"),
    Case(name: "truncated fixed64", bytes: [0x51, 0x01], code: .truncated, mentions: "64-bit"),
    Case(name: "wrong wire type for a string field", bytes: [0x70, 0x01], code: .wrongWireType, mentions: "field 14"),
    Case(name: "wrong wire type for a double field", bytes: [0x08, 0x01], code: .wrongWireType, mentions: "double"),
    Case(name: "wrong wire type for a message field", bytes: [0x88, 0x01, 0x01], code: .wrongWireType, mentions: "field 17"),
    Case(name: "wrong wire type for a map field", bytes: [0x98, 0x03, 0x01], code: .wrongWireType, mentions: "map entry"),
    Case(name: "invalid UTF-8 in a string field", bytes: [0x72, 0x02, 0xC3, 0x28], code: .invalidUTF8, mentions: "field 14"),
    Case(name: "overlong UTF-8 in a string field", bytes: [0x72, 0x02, 0xC0, 0x80], code: .invalidUTF8, mentions: "UTF-8"),
    Case(
      name: "invalid UTF-8 in a repeated string",
      bytes: [0x92, 0x02, 0x01, 0xFF],
      code: .invalidUTF8,
      mentions: "field 34"
    ),
    Case(
      name: "invalid UTF-8 in a map key",
      bytes: [0x9A, 0x03, 0x03, 0x0A, 0x01, 0xFF],
      code: .invalidUTF8,
      mentions: "field 51.1: string is not valid UTF-8"
    ),
    Case(name: "field number 0", bytes: [0x00, 0x01], code: .invalidFieldNumber, mentions: "field number 0"),
    Case(
      name: "field number above the maximum",
      bytes: [0x80, 0x80, 0x80, 0x80, 0x10, 0x01],
      code: .invalidFieldNumber,
      mentions: "536870912"
    ),
    Case(name: "start group wire type", bytes: [0x0B], code: .unsupportedWireType, mentions: "groups"),
    Case(name: "end group wire type", bytes: [0x0C], code: .unsupportedWireType, mentions: "groups"),
    Case(name: "wire type 6", bytes: [0x0E], code: .unsupportedWireType, mentions: "undefined"),
    Case(name: "wire type 7", bytes: [0x0F], code: .unsupportedWireType, mentions: "undefined"),
    Case(name: "group inside an unknown field", bytes: [0xAB, 0x3E], code: .unsupportedWireType, mentions: "groups"),
    Case(name: "truncated packed contents", bytes: [0xBA, 0x01, 0x02, 0x96, 0x96], code: .truncated, mentions: "field 23"),
    Case(name: "packed fixed32 with a partial element", bytes: [0xEA, 0x01, 0x03, 0x01, 0x02, 0x03], code: .truncated, mentions: "field 29"),
    Case(
      name: "nested message longer than its parent",
      bytes: [0x8A, 0x01, 0x03, 0x12, 0x05, 0x61],
      code: .lengthOutOfBounds,
      mentions: "field 17.2: length 5"
    ),
  ]

  @Test("Gives a specific error", arguments: cases)
  func specificError(_ malformed: Case) {
    #expect {
      _ = try ProtobufTest_RichMessage(serializedBytes: malformed.bytes)
    } throws: { error in
      guard let error = error as? WireDecodingError else { return false }
      return error.code == malformed.code && error.message.contains(malformed.mentions)
    }
  }

  @Test("Reports the byte offset where decoding stopped")
  func offset() {
    // A valid int32 field (3 bytes), then a string whose bytes are not UTF-8 starting at offset 5.
    #expect(throws: WireDecodingError(.invalidUTF8, "string is not valid UTF-8", offset: 5, fieldPath: [14])) {
      _ = try ProtobufTest_RichMessage(serializedBytes: [0x18, 0x96, 0x01, 0x72, 0x01, 0xFF])
    }
  }

  static func nestedChain(depth: Int) -> [UInt8] {
    // Nested { child: Nested { child: ... } }: depth levels in all, the outermost included.
    var bytes: [UInt8] = []
    for _ in 1..<depth {
      var length: [UInt8] = []
      var value = bytes.count
      repeat {
        length.append(UInt8(value & 0x7F) | (value >= 0x80 ? 0x80 : 0))
        value >>= 7
      } while value > 0
      bytes = [0x1A] + length + bytes
    }
    return bytes
  }

  @Test("Nesting up to the limit decodes; one level more is rejected")
  func nestingLimit() throws {
    let options = ProtobufDecodingOptions(maximumNestingDepth: 8)
    let atLimit = Self.nestedChain(depth: 8)
    let decoded = try ProtobufTest_Nested(serializedBytes: atLimit, options: options)
    #expect(decoded.child?.child?.child?.child?.child?.child?.child != nil)
    #expect {
      _ = try ProtobufTest_Nested(serializedBytes: Self.nestedChain(depth: 9), options: options)
    } throws: { ($0 as? WireDecodingError)?.code == .nestingTooDeep }
  }

  @Test("The default nesting limit stops deep input before the stack does")
  func defaultNestingLimit() {
    #expect {
      _ = try ProtobufTest_Nested(serializedBytes: Self.nestedChain(depth: 5_000))
    } throws: { ($0 as? WireDecodingError)?.code == .nestingTooDeep }
  }

  @Test("Every prefix of a valid message decodes or throws, never crashes")
  func truncations() throws {
    var message = ProtobufTest_RichMessage()
    message.fString = "hello"
    message.rInt32 = [1, -2, 300]
    message.mUint32Nested = [7: ProtobufTest_Nested(id: 1, name: "n")]
    message.fDouble = 2.5
    message.choice = .oNested(ProtobufTest_Nested(id: 3))
    let bytes = message.serializedBytes()
    var failures = 0
    for length in 0..<bytes.count {
      do {
        _ = try ProtobufTest_RichMessage(serializedBytes: Array(bytes[..<length]))
      } catch {
        failures += 1
      }
    }
    // Cutting inside a field always fails; only cuts at field boundaries decode.
    #expect(failures > bytes.count / 2)
    #expect(try ProtobufTest_RichMessage(serializedBytes: bytes) == message)
  }

  @Test("Random bytes decode or throw a WireDecodingError, never crash")
  func randomBytes() {
    var generator = SplitMix64(seed: 0x5EED)
    var outcomes = (decoded: 0, rejected: 0)
    for _ in 0..<20_000 {
      let count = Int(generator.next() % 48)
      let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      do {
        _ = try ProtobufTest_RichMessage(serializedBytes: bytes)
        outcomes.decoded += 1
      } catch {
        outcomes.rejected += 1
      }
    }
    // The inputs exercise both paths: some random bytes are valid messages, most are not.
    #expect(outcomes.decoded > 0)
    #expect(outcomes.rejected > 0)
  }
}

/// A small deterministic generator (SplitMix64) so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z &>> 31)
  }
}
