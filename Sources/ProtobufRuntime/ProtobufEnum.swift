/// A generated proto3 enum. proto3 enums are open: a number with no case decodes to the
/// enum's `unrecognized(_:)` case and encodes back to the same number.
public protocol ProtobufEnum: RawRepresentable, Hashable, Sendable where RawValue == Int32 {
  /// The case for `rawValue`, or `unrecognized(rawValue)`.
  init(rawValue: Int32)
  /// The zero value, proto3's default.
  init()
}
