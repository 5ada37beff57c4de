import ProtobufCodeGen
import Testing

/// Field names that are also names of the generated codec's locals.
@Suite("Swift emitter: field names meeting codec locals")
struct SwiftEmitterFieldNameTests {
  @Test("encodedSize() reads fields through self, so a field named size does not meet the sum")
  func fieldNamedSize() throws {
    let swift = try SwiftEmitterTests.generate(
      "message ResponseParameters { int32 size = 1; optional int32 value = 2; repeated int32 counts = 3; oneof o { int32 a = 4; } }"
    )
    let lines = SwiftEmitterTests.lines(swift)
    #expect(lines.contains("var size = 0"))
    #expect(lines.contains("size &+= ProtobufSize.implicitField(ProtobufInt32.self, self.size, number: 1)"))
    #expect(
      lines.contains("if let value = self.value { size &+= ProtobufSize.field(ProtobufInt32.self, value, number: 2) }"))
    #expect(
      lines.contains("size &+= ProtobufSize.repeated(ProtobufInt32.self, self.counts, number: 3, packed: true)"))
    #expect(lines.contains("switch self.o {"))
  }
}
