import ProtobufWellKnownTypes
import Testing

@Suite("Any packing and unpacking")
struct AnyTests {
  static let timestamp = Google_Protobuf_Timestamp(seconds: 1_700_000_000, nanos: 5)

  @Test("Packing names the full proto name after type.googleapis.com/ and holds the encoding")
  func packing() {
    let any = Google_Protobuf_Any(packing: Self.timestamp)
    #expect(any.typeUrl == "type.googleapis.com/google.protobuf.Timestamp")
    #expect(any.value == Self.timestamp.serializedBytes())
    #expect(any.typeName == "google.protobuf.Timestamp")
  }

  @Test(
    "A custom prefix is used as given, without doubling its slash",
    arguments: ["example.com/types", "example.com/types/"]
  )
  func customPrefix(prefix: String) {
    let any = Google_Protobuf_Any(packing: Google_Protobuf_Empty(), typeURLPrefix: prefix)
    #expect(any.typeUrl == "example.com/types/google.protobuf.Empty")
  }

  @Test("Unpacking as the packed type gives the message back, whatever the URL's prefix")
  func unpacking() throws {
    var any = Google_Protobuf_Any(packing: Self.timestamp)
    #expect(try any.unpack(Google_Protobuf_Timestamp.self) == Self.timestamp)
    any.typeUrl = "https://example.com/a/b/google.protobuf.Timestamp"
    let unpacked: Google_Protobuf_Timestamp = try any.unpack()
    #expect(unpacked == Self.timestamp)
  }

  @Test("is(_:) tells the held type by its type URL")
  func isType() {
    let any = Google_Protobuf_Any(packing: Self.timestamp)
    #expect(any.is(Google_Protobuf_Timestamp.self))
    #expect(!any.is(Google_Protobuf_Duration.self))
    #expect(!Google_Protobuf_Any().is(Google_Protobuf_Timestamp.self))
  }

  @Test(
    "Unpacking with the wrong or a broken type URL fails with a clear error",
    arguments: [
      (
        "type.googleapis.com/google.protobuf.Duration", WellKnownTypeError.Code.typeMismatch,
        #"Any holds "google.protobuf.Duration" (type URL "type.googleapis.com/google.protobuf.Duration"), not "google.protobuf.Timestamp""#
      ),
      (
        "type.googleapis.com/google.protobuf.Timestamp2", .typeMismatch,
        #"Any holds "google.protobuf.Timestamp2""#
      ),
      ("type.googleapis.com/", .typeMismatch, #"Any holds """#),
      (
        "google.protobuf.Timestamp", .invalidTypeURL,
        #"type URL "google.protobuf.Timestamp" has no "/"; it must end with "/" and the full type name"#
      ),
      ("", .invalidTypeURL, #"type URL "" has no "/""#),
    ]
  )
  func wrongTypeURL(typeURL: String, code: WellKnownTypeError.Code, message: String) {
    let any = Google_Protobuf_Any(typeUrl: typeURL, value: Self.timestamp.serializedBytes())
    #expect {
      try any.unpack(Google_Protobuf_Timestamp.self)
    } throws: { error in
      let error = error as? WellKnownTypeError
      return error?.code == code && error?.message.hasPrefix(message) == true
    }
  }

  @Test("A value that does not decode fails as malformed, with the wire error")
  func malformedValue() {
    let any = Google_Protobuf_Any(
      typeUrl: "type.googleapis.com/google.protobuf.Timestamp",
      value: [0x08]
    )
    #expect {
      try any.unpack(Google_Protobuf_Timestamp.self)
    } throws: { error in
      let error = error as? WellKnownTypeError
      return error?.code == .malformedValue
        && error?.message.hasPrefix(#"Any's value is not a valid "google.protobuf.Timestamp": "#)
          == true
    }
  }

  @Test("An Any holding an Any unpacks twice")
  func nestedAny() throws {
    let inner = Google_Protobuf_Any(packing: Self.timestamp)
    let outer = Google_Protobuf_Any(packing: inner)
    #expect(outer.typeUrl == "type.googleapis.com/google.protobuf.Any")
    #expect(
      try outer.unpack(Google_Protobuf_Any.self).unpack(Google_Protobuf_Timestamp.self)
        == Self.timestamp
    )
  }
}
