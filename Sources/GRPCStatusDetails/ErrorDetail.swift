public import ProtobufWellKnownTypes

/// One entry of `google.rpc.Status.details`: a standard error detail of
/// `google/rpc/error_details.proto`, or any other message packed as `google.protobuf.Any`.
///
/// A failed call carries its details in ``Google_Rpc_Status/details`` as `Any`s; this enum packs
/// and unpacks the standard ones, so a server says *why* a call failed in a form every gRPC
/// client understands (grpc-go's `status.WithDetails`, grpcio's `rpc_status`), and a client
/// reads it without matching type URLs:
///
/// ```swift
/// let details: [ErrorDetail] = [
///   .errorInfo(Google_Rpc_ErrorInfo(reason: "ROOM_FULL", domain: "chat.example.com")),
///   .retryInfo(Google_Rpc_RetryInfo(retryDelay: Google_Protobuf_Duration(seconds: 2))),
/// ]
/// for detail in details {
///   if case .retryInfo(let info) = detail { print(info.retryDelay?.seconds ?? 0) }
/// }
/// ```
///
/// An `Any` whose type URL names none of the standard types, or whose value does not decode as
/// the type it names, stays ``any(_:)``: nothing a peer sends is lost.
public enum ErrorDetail: Hashable, Sendable {
  /// `google.rpc.ErrorInfo`: the reason, the domain and metadata of the error.
  case errorInfo(Google_Rpc_ErrorInfo)
  /// `google.rpc.RetryInfo`: when the client may retry.
  case retryInfo(Google_Rpc_RetryInfo)
  /// `google.rpc.DebugInfo`: a stack trace and detail for developers.
  case debugInfo(Google_Rpc_DebugInfo)
  /// `google.rpc.QuotaFailure`: which quota was exhausted.
  case quotaFailure(Google_Rpc_QuotaFailure)
  /// `google.rpc.PreconditionFailure`: which precondition failed.
  case preconditionFailure(Google_Rpc_PreconditionFailure)
  /// `google.rpc.BadRequest`: which request fields are invalid, and why.
  case badRequest(Google_Rpc_BadRequest)
  /// `google.rpc.RequestInfo`: the request's id, for a bug report.
  case requestInfo(Google_Rpc_RequestInfo)
  /// `google.rpc.ResourceInfo`: the resource that was accessed.
  case resourceInfo(Google_Rpc_ResourceInfo)
  /// `google.rpc.Help`: links to documentation.
  case help(Google_Rpc_Help)
  /// `google.rpc.LocalizedMessage`: a message for the user, in a locale.
  case localizedMessage(Google_Rpc_LocalizedMessage)
  /// Any other message, as received or to be sent.
  case any(Google_Protobuf_Any)

  /// The detail `any` holds: the standard type its type URL names, decoded, or ``any(_:)``
  /// when it names another type or its value does not decode.
  ///
  /// - Parameter any: One entry of `google.rpc.Status.details`.
  public init(unpacking any: Google_Protobuf_Any) {
    self = Self.unpackers[any.typeName ?? ""]?(any) ?? .any(any)
  }

  /// The detail packed as an `Any` with the `type.googleapis.com/` prefix (an ``any(_:)`` as it
  /// is), as it goes into `google.rpc.Status.details`.
  public var packed: Google_Protobuf_Any {
    switch self {
    case .errorInfo(let message): return Google_Protobuf_Any(packing: message)
    case .retryInfo(let message): return Google_Protobuf_Any(packing: message)
    case .debugInfo(let message): return Google_Protobuf_Any(packing: message)
    case .quotaFailure(let message): return Google_Protobuf_Any(packing: message)
    case .preconditionFailure(let message): return Google_Protobuf_Any(packing: message)
    case .badRequest(let message): return Google_Protobuf_Any(packing: message)
    case .requestInfo(let message): return Google_Protobuf_Any(packing: message)
    case .resourceInfo(let message): return Google_Protobuf_Any(packing: message)
    case .help(let message): return Google_Protobuf_Any(packing: message)
    case .localizedMessage(let message): return Google_Protobuf_Any(packing: message)
    case .any(let any): return any
    }
  }

  private typealias Unpacker = @Sendable (Google_Protobuf_Any) -> ErrorDetail?

  private static let unpackers: [String: Unpacker] = Dictionary(
    uniqueKeysWithValues: [
      unpacker(Google_Rpc_ErrorInfo.self) { .errorInfo($0) },
      unpacker(Google_Rpc_RetryInfo.self) { .retryInfo($0) },
      unpacker(Google_Rpc_DebugInfo.self) { .debugInfo($0) },
      unpacker(Google_Rpc_QuotaFailure.self) { .quotaFailure($0) },
      unpacker(Google_Rpc_PreconditionFailure.self) { .preconditionFailure($0) },
      unpacker(Google_Rpc_BadRequest.self) { .badRequest($0) },
      unpacker(Google_Rpc_RequestInfo.self) { .requestInfo($0) },
      unpacker(Google_Rpc_ResourceInfo.self) { .resourceInfo($0) },
      unpacker(Google_Rpc_Help.self) { .help($0) },
      unpacker(Google_Rpc_LocalizedMessage.self) { .localizedMessage($0) },
    ]
  )

  private static func unpacker<Message: ProtobufMessage>(
    _ type: Message.Type,
    _ make: @escaping @Sendable (Message) -> ErrorDetail
  ) -> (String, Unpacker) {
    (Message.protoMessageName, { any in (try? any.unpack(Message.self)).map(make) })
  }
}

extension Google_Rpc_Status {
  /// The details, unpacked: the standard error details as their types, others as `Any`.
  ///
  /// ```swift
  /// let status = try Google_Rpc_Status(serializedBytes: bytes)
  /// for case .badRequest(let request) in status.errorDetails { print(request.fieldViolations) }
  /// ```
  public var errorDetails: [ErrorDetail] {
    get { details.map(ErrorDetail.init(unpacking:)) }
    set { details = newValue.map(\.packed) }
  }
}
