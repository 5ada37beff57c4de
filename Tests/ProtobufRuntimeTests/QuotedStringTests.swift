import Foundation
import ProtobufRuntime
import Testing

@Suite("QuotedString: the one escaper of JSON lines and generated Swift literals")
struct QuotedStringTests {
  /// Text with every character class the escaper treats specially.
  static let awkward = "say \"hi\"\\ \n\r\t\u{01}\u{1F}\u{7F} é 🙂"

  @Test("JSON: RFC 8259 escapes, and a JSON parser reads the text back")
  func jsonRoundTrips() throws {
    let quoted = QuotedString.quoted(Self.awkward, as: .json)
    #expect(quoted == #""say \"hi\"\\ \n\r\t\u0001\u001f\#u{7F} é 🙂""#)
    let decoded = try JSONSerialization.jsonObject(
      with: Data(quoted.utf8),
      options: .fragmentsAllowed
    )
    #expect(decoded as? String == Self.awkward)
  }

  @Test("Swift: control characters and DEL as \\u{XX}, the rest as written")
  func swiftLiteral() {
    #expect(
      QuotedString.quoted(Self.awkward, as: .swift)
        == #""say \"hi\"\\ \n\r\t\u{1}\u{1f}\u{7f} é 🙂""#
    )
    #expect(QuotedString.quoted("ChatService", as: .swift) == "\"ChatService\"")
  }
}
