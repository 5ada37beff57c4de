import ProtobufWellKnownTypes
import Testing

/// Byte compatibility of the generated well-known types with protobuf's reference, `protoc`:
/// a value of each of the seven files' types encoded here reads back in `protoc --decode` as the
/// expected text, `protoc --encode` of that text decodes here to the same value, and each
/// embedded descriptor is the one `protoc --descriptor_set_out` writes.
@Suite("Well-known types against protoc")
struct ProtocCompatibilityTests {
  /// One value, its message name and file, and protoc's text format of it.
  struct WireCase: Sendable, CustomTestStringConvertible {
    var messageName: String
    var file: String
    var text: String
    var swiftBytes: [UInt8]
    /// Whether bytes decode here to the case's value.
    var decodesToValue: @Sendable ([UInt8]) throws -> Bool
    var testDescription: String

    init<Message: ProtobufMessage>(
      _ value: Message,
      _ file: String,
      _ text: String,
      _ label: String = ""
    ) {
      messageName = Message.protoMessageName
      self.file = "google/protobuf/\(file).proto"
      self.text = text
      swiftBytes = value.serializedBytes()
      decodesToValue = { try Message(serializedBytes: $0) == value }
      testDescription = label.isEmpty ? messageName : "\(messageName) \(label)"
    }
  }

  static let cases: [WireCase] = [
    WireCase(
      Google_Protobuf_Timestamp(seconds: 1_700_000_000, nanos: 123_456_789),
      "timestamp",
      "seconds: 1700000000\nnanos: 123456789\n"
    ),
    WireCase(
      Google_Protobuf_Timestamp(seconds: Google_Protobuf_Timestamp.minimumSeconds),
      "timestamp",
      "seconds: -62135596800\n",
      "0001-01-01"
    ),
    WireCase(
      Google_Protobuf_Duration(seconds: -1, nanos: -500_000_000),
      "duration",
      "seconds: -1\nnanos: -500000000\n"
    ),
    WireCase(Google_Protobuf_Empty(), "empty", ""),
    WireCase(
      ["user.display_name", "message"] as Google_Protobuf_FieldMask,
      "field_mask",
      "paths: \"user.display_name\"\npaths: \"message\"\n"
    ),
    WireCase(
      [
        "name": "ada", "age": 36, "tags": [true, .null], "nested": ["x": 0.5],
      ] as Google_Protobuf_Struct,
      "struct",
      """
      fields {
        key: "age"
        value {
          number_value: 36
        }
      }
      fields {
        key: "name"
        value {
          string_value: "ada"
        }
      }
      fields {
        key: "nested"
        value {
          struct_value {
            fields {
              key: "x"
              value {
                number_value: 0.5
              }
            }
          }
        }
      }
      fields {
        key: "tags"
        value {
          list_value {
            values {
              bool_value: true
            }
            values {
              null_value: NULL_VALUE
            }
          }
        }
      }

      """
    ),
    WireCase(0 as Google_Protobuf_Value, "struct", "number_value: 0\n", "zero number"),
    WireCase(
      ["a", 1] as Google_Protobuf_ListValue,
      "struct",
      """
      values {
        string_value: "a"
      }
      values {
        number_value: 1
      }

      """
    ),
    WireCase(
      Google_Protobuf_Any(packing: Google_Protobuf_Duration(seconds: 1, nanos: 2)),
      "any",
      "type_url: \"type.googleapis.com/google.protobuf.Duration\"\nvalue: \"\\010\\001\\020\\002\"\n"
    ),
    WireCase(2.5 as Google_Protobuf_DoubleValue, "wrappers", "value: 2.5\n"),
    WireCase(-0.25 as Google_Protobuf_FloatValue, "wrappers", "value: -0.25\n"),
    WireCase(
      Google_Protobuf_Int64Value(.min),
      "wrappers",
      "value: -9223372036854775808\n"
    ),
    WireCase(
      Google_Protobuf_UInt64Value(.max),
      "wrappers",
      "value: 18446744073709551615\n"
    ),
    WireCase(-1 as Google_Protobuf_Int32Value, "wrappers", "value: -1\n"),
    WireCase(Google_Protobuf_UInt32Value(.max), "wrappers", "value: 4294967295\n"),
    WireCase(true as Google_Protobuf_BoolValue, "wrappers", "value: true\n"),
    WireCase("hé" as Google_Protobuf_StringValue, "wrappers", "value: \"h\\303\\251\"\n"),
    WireCase(Google_Protobuf_BytesValue([0x00, 0xFF]), "wrappers", "value: \"\\000\\377\"\n"),
  ]

  @Test("A value encoded here reads back in protoc --decode as the expected text", arguments: cases)
  func protocDecodesSwiftBytes(_ wire: WireCase) throws {
    #expect(try Protoc.decode(wire.swiftBytes, as: wire.messageName, in: wire.file) == wire.text)
  }

  @Test("protoc --encode of the text decodes here to the same value", arguments: cases)
  func swiftDecodesProtocBytes(_ wire: WireCase) throws {
    let bytes = try Protoc.encode(wire.text, as: wire.messageName, in: wire.file)
    #expect(try wire.decodesToValue(bytes))
  }

  @Test("Every message type of the seven files has a case")
  func everyTypeHasACase() {
    let covered = Set(Self.cases.map(\.messageName))
    let all = WellKnownTypes.fileDescriptors.flatMap(\.symbols).filter {
      $0 != "google.protobuf.NullValue"
    }
    #expect(Set(all) == covered)
  }

  @Test(
    "Each embedded descriptor is protoc's, byte for byte",
    arguments: WellKnownTypes.fileDescriptors.map(\.name)
  )
  func descriptorMatchesProtoc(_ name: String) throws {
    let descriptor = try #require(WellKnownTypes.fileDescriptors.first { $0.name == name })
    #expect(descriptor.serializedProto == (try Protoc.descriptor(of: name)))
    #expect(descriptor.package == "google.protobuf")
    #expect(descriptor.dependencies.isEmpty)
  }
}
