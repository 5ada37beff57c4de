/// The Swift spelling of one RPC: the name its descriptor, server requirement and client method
/// share, its message types, and its kind.
struct SwiftMethod {
  /// The four kinds of RPC, named as `ProtobufMethodDescriptor.Kind` cases.
  enum Kind: String {
    case unary
    case clientStreaming
    case serverStreaming
    case bidirectionalStreaming
  }

  let proto: ProtoMethod
  /// lowerCamelCase, with `_p` after names that clash with `reservedNames` and backticks around
  /// keywords: `Get` → `get`, `Init` → `init_p`, `Return` → `` `return` ``.
  let name: String
  let requestType: String
  let responseType: String
  let kind: Kind

  /// Names the descriptor enum cannot declare as members.
  static let reservedNames: Set<String> = ["init", "self", "Type", "Protocol"]

  init(_ method: ProtoMethod, types: SwiftTypeTable) {
    proto = method
    name = SwiftNames.memberName(method.name, reserved: Self.reservedNames)
    requestType = types.swiftName(of: method.inputType)
    responseType = types.swiftName(of: method.outputType)
    kind =
      switch (method.clientStreaming, method.serverStreaming) {
      case (false, false): .unary
      case (true, false): .clientStreaming
      case (false, true): .serverStreaming
      case (true, true): .bidirectionalStreaming
      }
  }

  /// The `RPCRouter` method that registers a handler of this kind: `registerUnary`, ...
  var registration: String {
    "register" + kind.rawValue.prefix(1).uppercased() + kind.rawValue.dropFirst()
  }

  /// A name for the generic result of a streaming client method that neither message type
  /// hides: `Result`, or `Result_` when a message is named `Result`.
  var resultTypeName: String {
    let used = [requestType, responseType].map { String($0.prefix { $0 != "." }) }
    var name = "Result"
    while used.contains(name) { name += "_" }
    return name
  }
}
