extension SwiftFileEmitter {
  /// `encodedSize()`: the sum of every field's size, in encoding order, plus the unknown fields.
  /// Fields are read through `self`, so that one named `size` (as in `grpc.testing`'s
  /// `ResponseParameters`) does not meet the local sum.
  mutating func emitEncodedSize(_ layout: SwiftMessageLayout) {
    block("\(visibility) func encodedSize() -> Int {") { body in
      body.line("var size = 0")
      for property in layout.encodingOrder {
        switch property {
        case .field(let field):
          body.line(Self.sizeStatement(field))
        case .oneof(let oneof):
          body.switchBlock("self.\(oneof.name)") { body in
            for member in oneof.members { body.line(Self.sizeStatement(member)) }
            body.line("case nil: break")
          }
        }
      }
      body.line("size &+= unknownFields.bytes.count")
      body.line("return size")
    }
  }

  /// `encode(to:)`: every field in encoding order, then the unknown fields.
  mutating func emitEncode(_ layout: SwiftMessageLayout) {
    block("\(visibility) func encode(to encoder: inout ProtobufEncoder) {") { body in
      for property in layout.encodingOrder {
        switch property {
        case .field(let field):
          body.line(Self.writeStatement(field))
        case .oneof(let oneof):
          body.switchBlock(oneof.name) { body in
            for member in oneof.members { body.line(Self.writeStatement(member)) }
            body.line("case nil: break")
          }
        }
      }
      body.line("encoder.writeUnknownFields(unknownFields)")
    }
  }

  /// `decodeField(number:wireType:from:)`: a case per field number; other numbers are kept as
  /// unknown fields.
  mutating func emitDecodeField(_ layout: SwiftMessageLayout) {
    line("\(visibility) mutating func decodeField(")
    indented { body in
      body.line("number: Int,")
      body.line("wireType: WireType,")
      body.line("from decoder: inout ProtobufDecoder")
    }
    block(") throws(WireDecodingError) {") { body in
      body.switchBlock("number") { body in
        for field in layout.decodingOrder { body.emitDecodeCase(field, oneofs: layout.oneofs) }
        body.line(
          "default: try decoder.skipField(number: number, wireType: wireType, into: &unknownFields)"
        )
      }
    }
  }

  private mutating func emitDecodeCase(_ field: SwiftField, oneofs: [SwiftOneof]) {
    let number = field.proto.number
    let read = "try decoder.readField(\(field.codec).self, number: \(number), wireType: wireType)"
    switch field.storage {
    case .implicit, .explicit:
      if field.isMessage {
        line(
          "case \(number): try decoder.mergeMessage(into: &\(field.name), number: \(number), wireType: wireType)"
        )
      } else {
        line("case \(number): \(field.name) = \(read)")
      }
    case .boxed:
      line(
        "case \(number): try decoder.mergeMessage(into: &\(field.name), number: \(number), wireType: wireType)"
      )
    case .repeated:
      line(
        "case \(number): try decoder.readRepeated(\(field.codec).self, into: &\(field.name), "
          + "number: \(number), wireType: wireType)"
      )
    case .map(_, let keyCodec):
      line("case \(number):")
      indented { body in
        body.line("try decoder.readMapEntry(")
        body.indented { body in
          body.line(
            "\(keyCodec).self, \(field.codec).self, into: &\(field.name), number: \(number), wireType: wireType)"
          )
        }
      }
    case .oneofMember(let oneofIndex, _):
      let oneof = oneofs[oneofIndex].name
      if field.isMessage {
        line("case \(number):")
        indented { body in
          body.line(
            "var value: \(field.valueType)? = if case .\(field.name)(let existing)? = \(oneof) { existing } else { nil }"
          )
          body.line("try decoder.mergeMessage(into: &value, number: \(number), wireType: wireType)")
          body.line("\(oneof) = value.map { .\(field.name)($0) }")
        }
      } else {
        line("case \(number): \(oneof) = .\(field.name)(\(read))")
      }
    }
  }

  /// The statement that adds `field`'s size (a `switch` case for a oneof member).
  private static func sizeStatement(_ field: SwiftField) -> String {
    let number = field.proto.number
    switch field.storage {
    case .implicit:
      return
        "size &+= ProtobufSize.implicitField(\(field.codec).self, self.\(field.name), number: \(number))"
    case .explicit, .boxed:
      return
        "if let value = self.\(field.name) { size &+= ProtobufSize.field(\(field.codec).self, value, number: \(number)) }"
    case .repeated(let packed):
      return
        "size &+= ProtobufSize.repeated(\(field.codec).self, self.\(field.name), number: \(number), packed: \(packed))"
    case .map(_, let keyCodec):
      return
        "size &+= ProtobufSize.map(\(keyCodec).self, \(field.codec).self, self.\(field.name), number: \(number))"
    case .oneofMember:
      // A case of the oneof's switch.
      return
        "case .\(field.name)(let value)?: size &+= ProtobufSize.field(\(field.codec).self, value, number: \(number))"
    }
  }

  /// The statement that writes `field` (a `switch` case for a oneof member).
  private static func writeStatement(_ field: SwiftField) -> String {
    let number = field.proto.number
    switch field.storage {
    case .implicit:
      return "encoder.writeImplicitField(\(field.codec).self, \(field.name), number: \(number))"
    case .explicit, .boxed:
      return
        "if let \(field.name) { encoder.writeField(\(field.codec).self, \(field.name), number: \(number)) }"
    case .repeated(let packed):
      return
        "encoder.writeRepeated(\(field.codec).self, \(field.name), number: \(number), packed: \(packed))"
    case .map(_, let keyCodec):
      return
        "encoder.writeMap(\(keyCodec).self, \(field.codec).self, \(field.name), number: \(number))"
    case .oneofMember:
      // A case of the oneof's switch.
      return
        "case .\(field.name)(let value)?: encoder.writeField(\(field.codec).self, value, number: \(number))"
    }
  }
}
