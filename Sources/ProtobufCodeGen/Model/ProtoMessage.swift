/// A `message` declaration.
public struct ProtoMessage: Hashable, Sendable {
  /// The simple name (`HealthCheckRequest`).
  public var name: String
  /// The fully-qualified name without a leading dot (`grpc.health.v1.HealthCheckRequest`,
  /// `Outer.Inner` when there is no package).
  public var fullName: String
  /// Fields in declaration order, oneof members included (see ``ProtoField/oneofIndex``).
  public var fields: [ProtoField]
  /// Real `oneof` groups in declaration order. proto3 `optional` fields do not create entries here;
  /// the descriptor builder synthesizes their `_name` oneofs after these, as protoc does.
  public var oneofs: [ProtoOneof]
  public var messages: [ProtoMessage]
  public var enums: [ProtoEnum]
  public var reservedRanges: [ProtoRange]
  public var reservedNames: [String]
  public var options: [ProtoOption]
  public var comments: ProtoComments
  public var location: SourceLocation

  public init(
    name: String,
    fullName: String,
    fields: [ProtoField] = [],
    oneofs: [ProtoOneof] = [],
    messages: [ProtoMessage] = [],
    enums: [ProtoEnum] = [],
    reservedRanges: [ProtoRange] = [],
    reservedNames: [String] = [],
    options: [ProtoOption] = [],
    comments: ProtoComments = ProtoComments(),
    location: SourceLocation
  ) {
    self.name = name
    self.fullName = fullName
    self.fields = fields
    self.oneofs = oneofs
    self.messages = messages
    self.enums = enums
    self.reservedRanges = reservedRanges
    self.reservedNames = reservedNames
    self.options = options
    self.comments = comments
    self.location = location
  }
}

/// A `oneof` group.
public struct ProtoOneof: Hashable, Sendable {
  public var name: String
  public var options: [ProtoOption]
  public var comments: ProtoComments
  public var location: SourceLocation

  public init(
    name: String,
    options: [ProtoOption] = [],
    comments: ProtoComments = ProtoComments(),
    location: SourceLocation
  ) {
    self.name = name
    self.options = options
    self.comments = comments
    self.location = location
  }
}

/// An inclusive range of numbers (`reserved 2, 9 to 11;` gives `2...2` and `9...11`; `max` is 536870911
/// for fields and 2147483647 for enum values).
public struct ProtoRange: Hashable, Sendable {
  public var lowerBound: Int32
  public var upperBound: Int32
  public var location: SourceLocation

  public init(_ lowerBound: Int32, _ upperBound: Int32, location: SourceLocation) {
    self.lowerBound = lowerBound
    self.upperBound = upperBound
    self.location = location
  }

  public func contains(_ number: Int32) -> Bool { lowerBound <= number && number <= upperBound }
}
