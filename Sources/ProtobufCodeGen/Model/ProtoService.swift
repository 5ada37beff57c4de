/// A `service` declaration.
public struct ProtoService: Hashable, Sendable {
  public var name: String
  /// Fully-qualified name without a leading dot (`grpc.health.v1.Health`, `ChatService`).
  public var fullName: String
  public var methods: [ProtoMethod]
  public var options: [ProtoOption]
  public var comments: ProtoComments
  public var location: SourceLocation

  public init(
    name: String,
    fullName: String,
    methods: [ProtoMethod] = [],
    options: [ProtoOption] = [],
    comments: ProtoComments = ProtoComments(),
    location: SourceLocation
  ) {
    self.name = name
    self.fullName = fullName
    self.methods = methods
    self.options = options
    self.comments = comments
    self.location = location
  }
}

/// An `rpc` of a service.
public struct ProtoMethod: Hashable, Sendable {
  public var name: String
  /// As written before resolution; fully-qualified without a leading dot after it.
  public var inputType: String
  public var outputType: String
  public var clientStreaming: Bool
  public var serverStreaming: Bool
  public var options: [ProtoOption]
  /// Whether the method ends with a `{ … }` block, even an empty one, rather than `;`. protoc gives such a
  /// method an `options` message in its descriptor even when the block sets no option.
  public var hasBody: Bool
  public var comments: ProtoComments
  public var location: SourceLocation
  public var inputTypeLocation: SourceLocation
  public var outputTypeLocation: SourceLocation

  public init(
    name: String,
    inputType: String,
    outputType: String,
    clientStreaming: Bool = false,
    serverStreaming: Bool = false,
    options: [ProtoOption] = [],
    hasBody: Bool = false,
    comments: ProtoComments = ProtoComments(),
    location: SourceLocation,
    inputTypeLocation: SourceLocation? = nil,
    outputTypeLocation: SourceLocation? = nil
  ) {
    self.name = name
    self.inputType = inputType
    self.outputType = outputType
    self.clientStreaming = clientStreaming
    self.serverStreaming = serverStreaming
    self.options = options
    self.hasBody = hasBody
    self.comments = comments
    self.location = location
    self.inputTypeLocation = inputTypeLocation ?? location
    self.outputTypeLocation = outputTypeLocation ?? location
  }
}
