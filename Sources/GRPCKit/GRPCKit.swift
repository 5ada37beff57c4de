/// GRPCKit: the transport-independent gRPC core. Status codes and errors, metadata, the server
/// (``GRPCServer``, ``RPCRouter``, handler types) and the client (``GRPCClient``), over the
/// ``ServerTransport`` and ``ClientTransport`` protocols that `GRPCKitNGHTTP2` implements.
///
/// The protobuf runtime is re-exported: generated service code needs only `import GRPCKit`. So is
/// `GRPCStatusDetails` (`google.rpc.Status`, the standard error details and ``ErrorDetail``, with
/// the well-known types), since ``RPCError/details`` are made of them.
@_exported public import ProtobufRuntime
@_exported public import GRPCStatusDetails
