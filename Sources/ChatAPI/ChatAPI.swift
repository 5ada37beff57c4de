/// The Swift API of `Protos/chat.proto`, generated at build time by `ProtobufCodeGenPlugin`:
/// the `ChatMessage` message, the `ChatService` descriptors, and `ChatProto.fileDescriptor` for
/// server reflection.
///
/// The runtime types the generated code uses (`ProtobufMessage`, `WireDecodingError`,
/// `ProtobufMethodDescriptor`, ...) are re-exported, so `import ChatAPI` is enough to encode,
/// decode and describe chat messages:
///
/// ```swift
/// import ChatAPI
///
/// let bytes = ChatMessage(user: "ada", message: "hi").serializedBytes()
/// let decoded = try ChatMessage(serializedBytes: bytes)
/// ```
@_exported public import ProtobufRuntime
@_exported public import GRPCKit
