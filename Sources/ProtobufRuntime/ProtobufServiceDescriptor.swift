/// A service from a `.proto` file: its full name and methods, as generated code describes it.
public struct ProtobufServiceDescriptor: Hashable, Sendable {
  /// Fully-qualified name (`grpc.health.v1.Health`, `ChatService`).
  public var fullName: String
  public var methods: [ProtobufMethodDescriptor]

  public init(fullName: String, methods: [ProtobufMethodDescriptor]) {
    self.fullName = fullName
    self.methods = methods
  }
}

/// One `rpc` of a service.
public struct ProtobufMethodDescriptor: Hashable, Sendable {
  /// Which side streams.
  public enum Kind: Hashable, Sendable {
    case unary
    case clientStreaming
    case serverStreaming
    case bidirectionalStreaming

    public init(clientStreaming: Bool, serverStreaming: Bool) {
      switch (clientStreaming, serverStreaming) {
      case (false, false): self = .unary
      case (true, false): self = .clientStreaming
      case (false, true): self = .serverStreaming
      case (true, true): self = .bidirectionalStreaming
      }
    }
  }

  /// The method's name as declared (`ChatStream`).
  public var name: String
  /// The fully-qualified name of the service that declares it.
  public var serviceName: String
  public var kind: Kind
  /// Fully-qualified protobuf name of the request message.
  public var inputType: String
  /// Fully-qualified protobuf name of the response message.
  public var outputType: String

  public init(name: String, serviceName: String, kind: Kind, inputType: String, outputType: String) {
    self.name = name
    self.serviceName = serviceName
    self.kind = kind
    self.inputType = inputType
    self.outputType = outputType
  }

  /// The HTTP/2 `:path` of the method: `/ChatService/ChatStream`.
  public var path: String { "/\(serviceName)/\(name)" }
}
