/// A `oneof` as generated Swift: an optional enum property with a case per member.
struct SwiftOneof {
  var proto: ProtoOneof
  /// The property name (`choice`).
  var name: String
  /// The enum's name inside the message (`OneOf_Choice`).
  var typeName: String
  /// The enum's full Swift name (`Demo_Sample.OneOf_Choice`).
  var qualifiedTypeName: String
  /// Members in declaration order.
  var members: [SwiftField]

  init(_ oneof: ProtoOneof, members: [SwiftField], containerName: String) {
    proto = oneof
    name = SwiftNames.memberName(oneof.name, reserved: SwiftNames.reservedMessageMembers)
    typeName = "OneOf_" + SwiftNames.upperCamelCase(oneof.name)
    qualifiedTypeName = containerName + "." + typeName
    self.members = members
  }
}
