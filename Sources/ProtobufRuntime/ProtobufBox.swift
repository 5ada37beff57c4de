/// An immutable heap box that lets a message hold a field of its own type (directly or through a cycle).
///
/// Generated code uses it only for message fields that take part in a type cycle; the box is
/// immutable, so the message keeps value semantics.
public final class ProtobufBox<Value: Hashable & Sendable>: Hashable, Sendable {
  public let value: Value

  @inlinable
  public init(_ value: Value) {
    self.value = value
  }

  @inlinable
  public static func == (lhs: ProtobufBox, rhs: ProtobufBox) -> Bool {
    lhs === rhs || lhs.value == rhs.value
  }

  @inlinable
  public func hash(into hasher: inout Hasher) {
    hasher.combine(value)
  }
}
