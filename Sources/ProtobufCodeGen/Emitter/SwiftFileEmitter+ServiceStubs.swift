extension SwiftFileEmitter {
  /// The gRPC stubs of a service, in its namespace: a `ServiceProtocol` servers implement (an
  /// extension registers its methods with a `GRPCKit.RPCRouter`) and a `Client` that calls them.
  ///
  /// GRPCKit types are module-qualified, so message names cannot hide them.
  mutating func emitServiceStubs(_ service: ProtoService) {
    let namespace = serviceTypeName(service)
    let methods = service.methods.map { SwiftMethod($0, types: types) }
    block("extension \(namespace) {") { body in
      body.emitServiceProtocol(service, methods: methods)
      body.line()
      body.emitClient(service, namespace: namespace, methods: methods)
    }
    line()
    block("extension \(namespace).ServiceProtocol {") { body in
      body.line("/// Registers every method of the service with `router`.")
      body.block(
        "\(body.visibility) func registerMethods(with router: inout GRPCKit.RPCRouter) {"
      ) { body in
        for method in methods {
          body.emitRegistration(method, namespace: namespace)
        }
      }
    }
  }

  private mutating func emitServiceProtocol(_ service: ProtoService, methods: [SwiftMethod]) {
    if service.comments.leading.isEmpty && service.comments.trailing == nil {
      line("/// The server side of `\(service.fullName)`: implement its methods, then register it.")
    } else {
      docComment(service.comments)
    }
    block("\(visibility) protocol ServiceProtocol: GRPCKit.RegistrableRPCService {") { body in
      for (index, method) in methods.enumerated() {
        if index > 0 { body.line() }
        body.methodDocComment(method, fallback: "Handles `\(method.proto.name)`.")
        let parameters = Self.serverParameters(method, context: "context: GRPCKit.ServerContext")
        body.line("func \(method.name)(\(parameters)) async throws\(Self.serverResult(method))")
      }
    }
  }

  /// The parameters of a server method, or of its handler closure with `context` as the last one.
  private static func serverParameters(_ method: SwiftMethod, context: String) -> String {
    let input =
      switch method.kind {
      case .unary, .serverStreaming: "request: \(method.requestType)"
      case .clientStreaming, .bidirectionalStreaming:
        "requests: GRPCKit.RequestStream<\(method.requestType)>"
      }
    let output =
      switch method.kind {
      case .unary, .clientStreaming: ""
      case .serverStreaming, .bidirectionalStreaming:
        "responses: GRPCKit.ResponseWriter<\(method.responseType)>, "
      }
    return "\(input), \(output)\(context)"
  }

  private static func serverResult(_ method: SwiftMethod) -> String {
    switch method.kind {
    case .unary, .clientStreaming: " -> \(method.responseType)"
    case .serverStreaming, .bidirectionalStreaming: ""
    }
  }

  private mutating func emitRegistration(_ method: SwiftMethod, namespace: String) {
    let parameters = Self.serverParameters(method, context: "context")
    let arguments = Self.serverArguments(method)
    block(
      "router.\(method.registration)(\(namespace).Method.\(method.name)) { (\(parameters))\(Self.serverResult(method)) in"
    ) { body in
      body.line("try await self.\(method.name)(\(arguments))")
    }
  }

  private static func serverArguments(_ method: SwiftMethod) -> String {
    switch method.kind {
    case .unary: "request: request, context: context"
    case .clientStreaming: "requests: requests, context: context"
    case .serverStreaming: "request: request, responses: responses, context: context"
    case .bidirectionalStreaming: "requests: requests, responses: responses, context: context"
    }
  }

  private mutating func emitClient(
    _ service: ProtoService,
    namespace: String,
    methods: [SwiftMethod]
  ) {
    line("/// Calls the methods of `\(service.fullName)` through a `GRPCKit.GRPCClient`.")
    block("\(visibility) struct Client: Sendable {") { body in
      body.line("/// The client that makes the calls.")
      body.line("\(body.visibility) let client: GRPCKit.GRPCClient")
      body.line()
      body.line("/// Creates a typed client.")
      body.line("///")
      body.line("/// - Parameter client: The client that makes the calls, over its transport.")
      body.line("\(body.visibility) init(wrapping client: GRPCKit.GRPCClient) {")
      body.indented { $0.line("self.client = client") }
      body.line("}")
      for method in methods {
        body.line()
        body.emitClientMethod(method, namespace: namespace)
      }
    }
  }

  private mutating func emitClientMethod(_ method: SwiftMethod, namespace: String) {
    let descriptor = "\(namespace).Method.\(method.name)"
    let options = "options: GRPCKit.CallOptions = GRPCKit.CallOptions()"
    let request = method.requestType
    let response = method.responseType
    let result = method.resultTypeName
    let signature: String
    let call: String
    switch method.kind {
    case .unary:
      methodDocComment(method, fallback: "Calls `\(method.proto.name)`.")
      signature = "(_ request: \(request), \(options)) async throws -> \(response)"
      call = "unary(\(descriptor), request: request, options: options)"
    case .clientStreaming:
      methodDocComment(method, fallback: "Calls `\(method.proto.name)`.")
      line("///")
      line("/// `requests` writes the requests; the call half-closes when it returns.")
      signature =
        "(\(options), requests: (GRPCKit.RequestWriter<\(request)>) async throws -> Void) async throws -> \(response)"
      call = "clientStreaming(\(descriptor), options: options, requests: requests)"
    case .serverStreaming:
      methodDocComment(method, fallback: "Calls `\(method.proto.name)`.")
      line("///")
      line("/// `body` reads the responses; the call is cancelled if it returns before the server ends.")
      signature =
        "<\(result): Sendable>(_ request: \(request), \(options), body: (GRPCKit.ResponseStream<\(response)>) async throws -> \(result)) async throws -> \(result)"
      call = "serverStreaming(\(descriptor), request: request, options: options, body: body)"
    case .bidirectionalStreaming:
      methodDocComment(method, fallback: "Calls `\(method.proto.name)`.")
      line("///")
      line("/// `body` writes requests and reads responses, concurrently if it likes; when it returns,")
      line("/// the requests half-close, and the call is cancelled if the server has not ended it.")
      signature =
        "<\(result): Sendable>(\(options), body: (GRPCKit.RequestWriter<\(request)>, GRPCKit.ResponseStream<\(response)>) async throws -> \(result)) async throws -> \(result)"
      call = "bidirectionalStreaming(\(descriptor), options: options, body: body)"
    }
    block("\(visibility) func \(method.name)\(signature) {") { body in
      body.line("try await self.client.\(call)")
    }
  }

  /// The method's proto comments, or `fallback` when it has none.
  private mutating func methodDocComment(_ method: SwiftMethod, fallback: String) {
    if method.proto.comments.leading.isEmpty && method.proto.comments.trailing == nil {
      line("/// \(fallback)")
    } else {
      docComment(method.proto.comments)
    }
  }
}
