import ChatAPI
import ProtobufRuntime
import Testing

/// Differential tests against libprotobuf-c, the reference codec: random messages cross between
/// the generated Swift codecs and `Reference/reference.c` in both directions, and each side's
/// canonical line (defined in reference.c, mirrored in DifferentialDump.swift) must agree.
///
/// Needs `protoc-c`, a C compiler and libprotobuf-c (apt: protobuf-c-compiler, gcc,
/// libprotobuf-c-dev); without them every test here fails and says what to install.
@Suite("Differential tests against libprotobuf-c")
struct DifferentialTests {
  static let count = 2_000
  static let richName = "protobuf_test.RichMessage"
  static let subsetName = "protobuf_test.RichSubset"
  static let chatName = "ChatMessage"

  @Test("Swift-encoded RichMessages read back with the same values in libprotobuf-c")
  func swiftRichMessagesReadInC() throws {
    var random = DifferentialRandom(seed: 0x5249_4348)
    let messages = (0 ..< Self.count).map { _ in random.richMessage() }
    try expectCReads(messages, as: Self.richName)
  }

  @Test("Swift-encoded ChatMessages read back with the same values in libprotobuf-c")
  func swiftChatMessagesReadInC() throws {
    var random = DifferentialRandom(seed: 0x4348_4154)
    let messages = (0 ..< Self.count).map { _ in random.chatMessage() }
    try expectCReads(messages, as: Self.chatName)
  }

  @Test("libprotobuf-c RichMessages decode in Swift to the values C generated")
  func cRichMessagesDecodeInSwift() throws {
    try expectSwiftDecodes(ProtobufTest_RichMessage.self, name: Self.richName, seed: 11)
  }

  @Test("libprotobuf-c ChatMessages decode in Swift to the values C generated")
  func cChatMessagesDecodeInSwift() throws {
    try expectSwiftDecodes(ChatMessage.self, name: Self.chatName, seed: 12)
  }

  @Test("Swift re-encodes libprotobuf-c RichMessages without maps to the same bytes")
  func swiftReencodesCRichMessageBytes() throws {
    try expectSwiftReencodesBytes(ProtobufTest_RichMessage.self, name: Self.richName, seed: 21)
  }

  @Test("Swift re-encodes libprotobuf-c ChatMessages to the same bytes")
  func swiftReencodesCChatMessageBytes() throws {
    try expectSwiftReencodesBytes(ChatMessage.self, name: Self.chatName, seed: 22)
  }

  @Test("Fields unknown to a Swift RichSubset survive its round trip back to libprotobuf-c")
  func unknownFieldsSurviveSwiftRoundTrip() throws {
    let driver = try ReferenceDriver.shared.get()
    let generated = try driver.generate(Self.richName, count: Self.count, seed: 31)
    var reencoded: [[UInt8]] = []
    for (index, record) in generated.records.enumerated() {
      do {
        reencoded.append(try ProtobufTest_RichSubset(serializedBytes: record).serializedBytes())
      } catch {
        Issue.record("record \(index): Swift cannot decode C's bytes as RichSubset: \(error)")
        return
      }
    }
    let lines = try driver.dump(Self.richName, records: reencoded)
    let matched = expectSameLines(
      generated.lines,
      lines,
      sides: ("libprotobuf-c original", "libprotobuf-c after Swift RichSubset")
    )
    #expect(matched == Self.count)
  }

  @Test("Fields unknown to a libprotobuf-c RichSubset survive its round trip back to Swift")
  func unknownFieldsSurviveCRoundTrip() throws {
    let driver = try ReferenceDriver.shared.get()
    var random = DifferentialRandom(seed: 32)
    let messages = (0 ..< Self.count).map { _ in random.richMessage() }
    let records = messages.map { $0.serializedBytes() }
    let repacked = try driver.repack(Self.subsetName, records: records)
    let lines = repacked.map(Self.decodedLine(ProtobufTest_RichMessage.self))
    let matched = expectSameLines(
      messages.map(\.canonicalLine),
      lines,
      sides: ("Swift original", "Swift after C RichSubset")
    )
    #expect(matched == Self.count)
  }

  @Test("Negative and unknown enum values survive both directions")
  func enumValuesSurviveBothDirections() throws {
    let driver = try ReferenceDriver.shared.get()
    var message = ProtobufTest_RichMessage()
    message.fColor = ProtobufTest_Color(rawValue: -3)
    message.rColor = [.red, ProtobufTest_Color(rawValue: 7), ProtobufTest_Color(rawValue: .min)]
    message.uColor = [ProtobufTest_Color(rawValue: -1), .blue]
    message.mSint32Color = [-5: ProtobufTest_Color(rawValue: -3), 9: .green]
    message.choice = .oColor(ProtobufTest_Color(rawValue: 7))

    let line = try #require(
      try driver.dump(Self.richName, records: [message.serializedBytes()]).first
    )
    for expected in ["16:-3", "36:[1,7,-2147483648]", "45:[-1,3]", "54:<-5=-3,9=2>", "oneof:64=7"] {
      #expect(line.contains(expected), "libprotobuf-c read \(line)")
    }
    let back = try driver.repack(Self.richName, records: [message.serializedBytes()])
    let decoded = try ProtobufTest_RichMessage(serializedBytes: try #require(back.first))
    #expect(decoded == message)
    #expect(decoded.fColor == .unrecognized(-3))
  }

  @Test("Both random generators cover the promised edge cases")
  func generatorsCoverEdgeCases() throws {
    var random = DifferentialRandom(seed: 0x5249_4348)
    let swiftLines = (0 ..< Self.count).map { _ in random.richMessage().canonicalLine }
    let cLines = try ReferenceDriver.shared.get().generate(
      Self.richName,
      count: Self.count,
      seed: 11
    ).lines
    let promised = [
      "3:-2147483648,", "3:2147483647,", "4:-9223372036854775808,", "4:9223372036854775807,",
      "6:18446744073709551615,", "8:-", "11:-", "12:-", "1:d7ff0000000000000,", "2:f7f800000,",
      "1:dfff0000000000000,", "16:-3,", "16:7,", "17:null", "14:\"\",", "15:'',", "21:[]",
      "23:[-", "51:<>", "51:<\"", "oneof:none", "oneof:61=", "oneof:62=", "oneof:63={",
      "oneof:64=", "e282ac", "f09f9880",
    ]
    for (side, lines) in [("Swift", swiftLines), ("C", cLines)] {
      for fragment in promised {
        #expect(lines.contains { $0.contains(fragment) }, "no \(side) message contains \(fragment)")
      }
    }
  }

  /// Encodes `messages` in Swift and checks that libprotobuf-c reads the same values.
  private func expectCReads<M: ProtobufMessage & DifferentialDumpable>(
    _ messages: [M],
    as name: String
  ) throws {
    let lines = try ReferenceDriver.shared.get().dump(
      name,
      records: messages.map { $0.serializedBytes() }
    )
    #expect(
      expectSameLines(lines, messages.map(\.canonicalLine), sides: ("libprotobuf-c", "Swift"))
        == Self.count
    )
  }

  /// Decodes C-generated records in Swift and checks the values are the ones C generated.
  private func expectSwiftDecodes<M: ProtobufMessage & DifferentialDumpable>(
    _ type: M.Type,
    name: String,
    seed: UInt64
  ) throws {
    let generated = try ReferenceDriver.shared.get().generate(name, count: Self.count, seed: seed)
    let lines = generated.records.map(Self.decodedLine(M.self))
    #expect(
      expectSameLines(generated.lines, lines, sides: ("libprotobuf-c", "Swift")) == Self.count
    )
  }

  /// Decodes a record and returns its canonical line, or `ERROR ...` as reference.c does.
  private static func decodedLine<M: ProtobufMessage & DifferentialDumpable>(
    _ type: M.Type
  ) -> ([UInt8]) -> String {
    { record in
      do {
        return try M(serializedBytes: record).canonicalLine
      } catch {
        return "ERROR \(error)"
      }
    }
  }

  /// Decodes C-generated records (maps left empty) and checks that Swift writes the same bytes.
  private func expectSwiftReencodesBytes<M: ProtobufMessage>(
    _ type: M.Type,
    name: String,
    seed: UInt64
  ) throws {
    let generated = try ReferenceDriver.shared.get().generate(
      name,
      count: Self.count,
      seed: seed,
      maps: false
    )
    var compared = 0
    for (index, record) in generated.records.enumerated() {
      let encoded = try M(serializedBytes: record).serializedBytes()
      guard encoded == record else {
        let offset = zip(encoded, record).prefix { $0 == $1 }.count
        Issue.record(
          """
          record \(index): bytes differ from byte \(offset) (C \(record.count) bytes, Swift \(encoded.count))
          C:     \(DifferentialDump.hex(record))
          Swift: \(DifferentialDump.hex(encoded))
          C values: \(generated.lines[index])
          """
        )
        return
      }
      compared += 1
    }
    #expect(compared == Self.count)
  }

  /// Compares canonical lines record by record, records the first mismatch readably (record
  /// index, the first differing field, both lines) and returns how many records matched.
  private func expectSameLines(
    _ first: [String],
    _ second: [String],
    sides: (String, String)
  ) -> Int {
    #expect(
      first.count == second.count,
      "\(sides.0) gave \(first.count) lines, \(sides.1) \(second.count)"
    )
    let mismatches = first.indices.filter { $0 < second.count && first[$0] != second[$0] }
    if let index = mismatches.first {
      let (a, b) = (first[index], second[index])
      let common = zip(a.utf8, b.utf8).prefix { $0 == $1 }.count
      let field = a.utf8.prefix(common).lastIndex {
        $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "{")
      }
      let start = field.map { a.utf8.distance(from: a.utf8.startIndex, to: $0) } ?? 0
      Issue.record(
        """
        \(mismatches.count) of \(min(first.count, second.count)) records differ; the first is record \(index), \
        from character \(common) (the field at character \(start)):
        \(sides.0): …\(excerpt(a, from: start))
        \(sides.1): …\(excerpt(b, from: start))
        full \(sides.0) line: \(a)
        full \(sides.1) line: \(b)
        """
      )
    }
    return min(first.count, second.count) - mismatches.count
  }

  private func excerpt(_ line: String, from offset: Int) -> String {
    String(decoding: line.utf8.dropFirst(offset).prefix(160), as: UTF8.self)
  }
}
