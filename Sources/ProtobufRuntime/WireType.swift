/// The wire type in the low three bits of a field's tag.
@frozen
public enum WireType: UInt8, Hashable, Sendable, CustomStringConvertible {
  case varint = 0
  case fixed64 = 1
  case lengthDelimited = 2
  case startGroup = 3
  case endGroup = 4
  case fixed32 = 5

  public var description: String {
    switch self {
    case .varint: "0 (varint)"
    case .fixed64: "1 (64-bit)"
    case .lengthDelimited: "2 (length-delimited)"
    case .startGroup: "3 (start group)"
    case .endGroup: "4 (end group)"
    case .fixed32: "5 (32-bit)"
    }
  }
}
