/// The protobuf well-known types, generated at build time by `ProtobufCodeGenPlugin` from the
/// bundled `google/protobuf/{any,duration,empty,field_mask,struct,timestamp,wrappers}.proto`, with
/// the conveniences people expect: `Google_Protobuf_Timestamp` ⇄ `Date`,
/// `Google_Protobuf_Duration` ⇄ `Swift.Duration`, `Google_Protobuf_Any` packing and unpacking by
/// type URL, literals for the wrappers and for `Struct`, `Value` and `ListValue`, and
/// `FieldMask` paths.
///
/// A `.proto` file of yours that imports one of these files needs no import path for it: the
/// generator bundles them, and the Swift it generates imports this module. The runtime types
/// (`ProtobufMessage`, `WireDecodingError`, ...) are re-exported.
///
/// ```swift
/// import ProtobufWellKnownTypes
///
/// let now = try Google_Protobuf_Timestamp(date: Date())
/// let any = Google_Protobuf_Any(packing: now)
/// let back = try any.unpack(Google_Protobuf_Timestamp.self)
/// ```
@_exported public import ProtobufRuntime

/// The well-known files as server reflection serves them.
public enum WellKnownTypes {
  /// The descriptors of the seven well-known files, so that a client that asks reflection about
  /// a message with a `google.protobuf.Timestamp` field can also fetch `timestamp.proto`.
  /// `ReflectionService` serves them on every server.
  public static let fileDescriptors = [
    Google_Protobuf_AnyProto.fileDescriptor,
    Google_Protobuf_DurationProto.fileDescriptor,
    Google_Protobuf_EmptyProto.fileDescriptor,
    Google_Protobuf_FieldMaskProto.fileDescriptor,
    Google_Protobuf_StructProto.fileDescriptor,
    Google_Protobuf_TimestampProto.fileDescriptor,
    Google_Protobuf_WrappersProto.fileDescriptor,
  ]
}
