extension SwiftFileEmitter {
  /// A message struct: properties, oneof enums and accessors, nested types, initializers, and the
  /// `ProtobufMessage` requirements.
  mutating func emitMessage(_ message: ProtoMessage) {
    let swiftName = types.swiftName(of: message.fullName)
    let typeName = String(swiftName.split(separator: ".").last ?? Substring(swiftName))
    let layout = SwiftMessageLayout(message, swiftName: swiftName, types: types, cycles: cycles)

    docComment(message.comments)
    block("\(visibility) struct \(typeName): ProtobufMessage {") { body in
      body.line(
        "\(body.visibility) static let protoMessageName = \(Self.stringLiteral(message.fullName))"
      )
      if !layout.firstPropertyComments.isEmpty { body.line() }
      body.emitProperties(layout)
      for oneof in layout.oneofs {
        body.line()
        body.emitOneof(oneof)
      }
      for nested in message.enums {
        body.line()
        body.emitEnum(nested)
      }
      for nested in message.messages {
        body.line()
        body.emitMessage(nested)
      }
      body.line()
      body.line("\(body.visibility) init() {}")
      if !layout.parameters.isEmpty {
        body.line()
        body.emitMemberwiseInit(layout)
      }
      body.line()
      body.emitEncodedSize(layout)
      body.line()
      body.emitEncode(layout)
      body.line()
      body.emitDecodeField(layout)
    }
  }

  private mutating func emitProperties(_ layout: SwiftMessageLayout) {
    for property in layout.properties {
      switch property {
      case .field(let field):
        docComment(field.proto.comments)
        if case .boxed = field.storage {
          block("\(visibility) var \(field.name): \(field.declaredType) {") { body in
            body.line("get { \(field.boxName)?.value }")
            body.line("set { \(field.boxName) = newValue.map(ProtobufBox.init) }")
          }
          line("private var \(field.boxName): ProtobufBox<\(field.valueType)>? = nil")
        } else {
          line("\(visibility) var \(field.name): \(field.declaredType) = \(field.declaredDefault)")
        }
      case .oneof(let oneof):
        line("\(visibility) var \(oneof.name): \(oneof.qualifiedTypeName)? = nil")
      }
    }
    line("\(visibility) var unknownFields = UnknownFields()")
  }

  private mutating func emitOneof(_ oneof: SwiftOneof) {
    docComment(oneof.proto.comments)
    block("\(visibility) enum \(oneof.typeName): Hashable, Sendable {") { body in
      for member in oneof.members {
        let indirect =
          if case .oneofMember(_, indirect: true) = member.storage { "indirect " } else { "" }
        body.line("\(indirect)case \(member.name)(\(member.valueType))")
      }
    }
    for member in oneof.members {
      line()
      docComment(member.proto.comments)
      block("\(visibility) var \(member.name): \(member.valueType) {") { body in
        body.line(
          "get { if case .\(member.name)(let value)? = \(oneof.name) { value } else { \(member.valueDefault) } }"
        )
        body.line("set { \(oneof.name) = .\(member.name)(newValue) }")
      }
    }
  }

  private mutating func emitMemberwiseInit(_ layout: SwiftMessageLayout) {
    let parameters = layout.parameters.map { "\($0.name): \($0.type) = \($0.defaultValue)" }
    let oneLine = "\(visibility) init(\(parameters.joined(separator: ", "))) {"
    if oneLine.count + 2 * depth <= 100 {
      line(oneLine)
    } else {
      line("\(visibility) init(")
      indented { body in
        for (index, parameter) in parameters.enumerated() {
          body.line(parameter + (index == parameters.count - 1 ? "" : ","))
        }
      }
      line(") {")
    }
    indented { body in
      for parameter in layout.parameters { body.line("self.\(parameter.name) = \(parameter.name)") }
    }
    line("}")
  }
}
