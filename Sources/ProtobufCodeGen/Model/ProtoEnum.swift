/// An `enum` declaration. proto3 enums are open: the first value must be zero.
public struct ProtoEnum: Hashable, Sendable {
  public var name: String
  /// Fully-qualified name without a leading dot.
  public var fullName: String
  public var values: [ProtoEnumValue]
  public var reservedRanges: [ProtoRange]
  public var reservedNames: [String]
  /// Includes `allow_alias`.
  public var options: [ProtoOption]
  public var comments: ProtoComments
  public var location: SourceLocation

  public init(
    name: String,
    fullName: String,
    values: [ProtoEnumValue] = [],
    reservedRanges: [ProtoRange] = [],
    reservedNames: [String] = [],
    options: [ProtoOption] = [],
    comments: ProtoComments = ProtoComments(),
    location: SourceLocation
  ) {
    self.name = name
    self.fullName = fullName
    self.values = values
    self.reservedRanges = reservedRanges
    self.reservedNames = reservedNames
    self.options = options
    self.comments = comments
    self.location = location
  }

  /// Whether `option allow_alias = true;` is set.
  public var allowsAlias: Bool {
    options.contains { $0.name == "allow_alias" && $0.value == .bool(true) }
  }
}

/// One value of an enum.
public struct ProtoEnumValue: Hashable, Sendable {
  public var name: String
  public var number: Int32
  public var options: [ProtoOption]
  public var comments: ProtoComments
  public var location: SourceLocation

  public init(
    name: String,
    number: Int32,
    options: [ProtoOption] = [],
    comments: ProtoComments = ProtoComments(),
    location: SourceLocation
  ) {
    self.name = name
    self.number = number
    self.options = options
    self.comments = comments
    self.location = location
  }
}
