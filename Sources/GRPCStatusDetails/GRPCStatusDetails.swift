/// The rich error model of gRPC: `google.rpc.Status` (`google/rpc/status.proto`) and the standard
/// error details of `google/rpc/error_details.proto` (`ErrorInfo`, `RetryInfo`, `DebugInfo`,
/// `QuotaFailure`, `PreconditionFailure`, `BadRequest`, `RequestInfo`, `ResourceInfo`, `Help`,
/// `LocalizedMessage`), generated at build time from the files as googleapis publishes them, and
/// ``ErrorDetail``, which packs and unpacks them as the `Any`s of `Status.details`.
///
/// `GRPCKit` depends on this module and re-exports it: an `RPCError` carries its details as
/// ``ErrorDetail``s, sent and received in the `grpc-status-details-bin` trailer.
///
/// ```swift
/// throw RPCError(
///   code: .invalidArgument, message: "user is 80 bytes; at most 64",
///   details: [.badRequest(Google_Rpc_BadRequest(fieldViolations: [
///     Google_Rpc_BadRequest.FieldViolation(field: "user", description: "at most 64 bytes")
///   ]))])
/// ```
@_exported public import ProtobufWellKnownTypes
