/// Fields a message did not recognise, kept byte for byte (tag included) so that re-encoding the
/// message passes them on unchanged, as proto3 requires.
public struct UnknownFields: Hashable, Sendable {
  /// The raw wire bytes of every unknown field, in the order they were read.
  public var bytes: [UInt8]

  public init(bytes: [UInt8] = []) {
    self.bytes = bytes
  }

  public var isEmpty: Bool { bytes.isEmpty }

  @usableFromInline
  mutating func append(_ raw: UnsafeRawBufferPointer) {
    bytes.append(contentsOf: raw)
  }
}
