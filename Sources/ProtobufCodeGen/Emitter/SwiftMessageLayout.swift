/// A message's fields and oneofs in the orders the generated code needs them: declaration order
/// for properties and initializer parameters, field-number order for encoding and decoding.
struct SwiftMessageLayout {
  /// A stored property: a field, or a oneof's single optional enum.
  enum Property {
    case field(SwiftField)
    case oneof(SwiftOneof)
  }

  /// An initializer parameter.
  struct Parameter {
    var name: String
    var type: String
    var defaultValue: String
  }

  /// In declaration order; a oneof sits where its first member is declared.
  var properties: [Property] = []
  var oneofs: [SwiftOneof] = []
  /// In field-number order; a oneof sits at its lowest member number.
  var encodingOrder: [Property] = []
  /// Every field, oneof members included, in field-number order.
  var decodingOrder: [SwiftField] = []
  /// The parameters of the memberwise initializer: fields and oneofs, in declaration order.
  var parameters: [Parameter] = []
  /// The comments of the first property, which decide whether a blank line precedes it.
  var firstPropertyComments = ProtoComments()

  init(_ message: ProtoMessage, swiftName: String, types: SwiftTypeTable, cycles: MessageCycles) {
    let fields = message.fields.map { SwiftField($0, in: message, types: types, cycles: cycles) }
    oneofs = message.oneofs.enumerated().map { index, oneof in
      SwiftOneof(
        oneof,
        members: fields.filter { $0.proto.oneofIndex == index },
        containerName: swiftName
      )
    }
    var placedOneofs: Set<Int> = []
    for field in fields {
      guard let oneofIndex = field.proto.oneofIndex, oneofs.indices.contains(oneofIndex) else {
        properties.append(.field(field))
        continue
      }
      if placedOneofs.insert(oneofIndex).inserted { properties.append(.oneof(oneofs[oneofIndex])) }
    }
    // A oneof without members (which protoc rejects) still gets its property.
    for index in oneofs.indices where !placedOneofs.contains(index) {
      properties.append(.oneof(oneofs[index]))
    }

    encodingOrder = properties.sorted { $0.sortNumber < $1.sortNumber }
    decodingOrder = fields.sorted { $0.proto.number < $1.proto.number }
    parameters = properties.map { property in
      switch property {
      case .field(let field):
        Parameter(name: field.name, type: field.declaredType, defaultValue: field.declaredDefault)
      case .oneof(let oneof):
        Parameter(name: oneof.name, type: oneof.qualifiedTypeName + "?", defaultValue: "nil")
      }
    }
    if case .field(let field) = properties.first { firstPropertyComments = field.proto.comments }
  }
}

extension SwiftMessageLayout.Property {
  /// The field number that places this property in encoding order.
  fileprivate var sortNumber: Int32 {
    switch self {
    case .field(let field): field.proto.number
    case .oneof(let oneof): oneof.members.map(\.proto.number).min() ?? .max
    }
  }
}
