/// `ChatClient` re-exports `ChatAPI`, so `import ChatClient` is enough to use ``ChatClient``,
/// `ChatMessage`, `RPCError`, `Status` and `Metadata`; and `ClientTLSConfiguration`, its TLS
/// settings.
@_exported public import ChatAPI
@_exported public import struct GRPCKitNGHTTP2.ClientTLSConfiguration
@_exported public import struct GRPCKitNGHTTP2.ConnectionBackoff
