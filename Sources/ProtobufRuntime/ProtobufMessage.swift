/// A generated protobuf message: a value type that knows its exact encoded size, encodes into one
/// contiguous buffer and decodes from borrowed bytes.
///
/// ```swift
/// let bytes = ChatMessage(user: "ada", message: "hi").serializedBytes()
/// let decoded = try ChatMessage(serializedBytes: bytes)
/// ```
public protocol ProtobufMessage: Hashable, Sendable {
  /// The fully-qualified protobuf name (`grpc.health.v1.HealthCheckRequest`).
  static var protoMessageName: String { get }

  /// A message with every field at its default.
  init()

  /// Fields that were read but are not in this message's schema; re-encoded unchanged.
  var unknownFields: UnknownFields { get set }

  /// The exact number of bytes ``encode(to:)`` writes.
  func encodedSize() -> Int

  /// Writes every field in field-number order, then the unknown fields.
  func encode(to encoder: inout ProtobufEncoder)

  /// Reads the value of field `number`, whose tag has just been read; unknown numbers go to
  /// ``unknownFields``.
  mutating func decodeField(
    number: Int,
    wireType: WireType,
    from decoder: inout ProtobufDecoder
  ) throws(WireDecodingError)
}

extension ProtobufMessage {
  /// Decodes a message from `buffer`, which is only borrowed for the call.
  ///
  /// - Throws: ``WireDecodingError`` naming the rule the bytes break.
  @inlinable
  public init(
    decoding buffer: UnsafeRawBufferPointer,
    options: ProtobufDecodingOptions = ProtobufDecodingOptions()
  ) throws(WireDecodingError) {
    self.init()
    var decoder = ProtobufDecoder(buffer, options: options)
    try decoder.decodeFields(into: &self)
  }

  /// Decodes a message from `bytes`.
  ///
  /// - Throws: ``WireDecodingError`` naming the rule the bytes break.
  @inlinable
  public init(
    serializedBytes bytes: [UInt8],
    options: ProtobufDecodingOptions = ProtobufDecodingOptions()
  ) throws(WireDecodingError) {
    // Array.withUnsafeBytes rethrows untyped errors; carry the typed one out in a Result.
    let result = bytes.withUnsafeBytes { buffer in
      Result { () throws(WireDecodingError) -> Self in try Self(decoding: buffer, options: options) }
    }
    self = try result.get()
  }

  /// Encodes the message into a new array of exactly ``encodedSize()`` bytes.
  @inlinable
  public func serializedBytes() -> [UInt8] {
    let size = encodedSize()
    return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      var encoder = ProtobufEncoder(UnsafeMutableRawBufferPointer(buffer))
      encode(to: &encoder)
      precondition(encoder.remainingCapacity == 0, "encodedSize() disagreed with encode(to:)")
      count = size
    }
  }

  /// Encodes the message into `buffer`, which must hold exactly ``encodedSize()`` bytes
  /// (for callers that frame messages in memory they own, such as a gRPC length prefix).
  @inlinable
  public func encode(into buffer: UnsafeMutableRawBufferPointer) {
    var encoder = ProtobufEncoder(buffer)
    encode(to: &encoder)
    precondition(encoder.remainingCapacity == 0, "buffer size differs from encodedSize()")
  }
}
