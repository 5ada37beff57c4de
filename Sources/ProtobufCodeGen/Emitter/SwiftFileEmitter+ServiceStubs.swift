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
      body.emitClientProtocol(service, namespace: namespace, methods: methods)
      body.line()
      body.emitClient(service, namespace: namespace, methods: methods)
    }
    line()
    emitClientConveniences(namespace: namespace, methods: methods)
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

  /// The client side of the service as a protocol, so that callers can depend on it and tests
  /// can replace the generated `Client` with a mock.
  private mutating func emitClientProtocol(
    _ service: ProtoService,
    namespace: String,
    methods: [SwiftMethod]
  ) {
    line("/// The calls of `\(service.fullName)`: the generated `Client` makes them through a")
    line(
      "/// `GRPCKit.GRPCClient`; a test can conform a mock. Extensions add the forms without `options`."
    )
    block("\(visibility) protocol ClientProtocol: Sendable {") { body in
      for (index, signature) in methods.flatMap({
        ClientSignature.all(for: $0, namespace: namespace)
      }).enumerated() {
        if index > 0 { body.line() }
        body.clientDocComment(signature)
        body.line("func \(signature.declaration(withOptions: true))")
      }
    }
  }

  private mutating func emitClient(
    _ service: ProtoService,
    namespace: String,
    methods: [SwiftMethod]
  ) {
    line("/// Calls the methods of `\(service.fullName)` through a `GRPCKit.GRPCClient`.")
    block("\(visibility) struct Client: ClientProtocol {") { body in
      body.line("/// The client that makes the calls.")
      body.line("\(body.visibility) let client: GRPCKit.GRPCClient")
      body.line()
      body.line("/// Creates a typed client.")
      body.line("///")
      body.line("/// - Parameter client: The client that makes the calls, over its transport.")
      body.line("\(body.visibility) init(wrapping client: GRPCKit.GRPCClient) {")
      body.indented { $0.line("self.client = client") }
      body.line("}")
      for signature in methods.flatMap({ ClientSignature.all(for: $0, namespace: namespace) }) {
        body.line()
        body.clientDocComment(signature)
        body.block("\(body.visibility) func \(signature.declaration(withOptions: true)) {") {
          body in
          body.line("try await self.client.\(signature.call)")
        }
      }
    }
  }

  /// The client calls without `options`, for every conforming type.
  private mutating func emitClientConveniences(namespace: String, methods: [SwiftMethod]) {
    block("extension \(namespace).ClientProtocol {") { body in
      for (index, signature) in methods.flatMap({
        ClientSignature.all(for: $0, namespace: namespace)
      }).enumerated() {
        if index > 0 { body.line() }
        body.clientDocComment(signature)
        body.line("///")
        body.line("/// The call has default options.")
        body.block("\(body.visibility) func \(signature.declaration(withOptions: false)) {") {
          body in
          body.line("try await self.\(signature.forwardingCall)")
        }
      }
    }
  }

  private mutating func clientDocComment(_ signature: ClientSignature) {
    methodDocComment(signature.method, fallback: "Calls `\(signature.method.proto.name)`.")
    if let note = signature.note {
      line("///")
      line("/// \(note)")
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

/// One client method of an RPC: its parameters, with or without `options`, and the
/// `GRPCKit.GRPCClient` call it makes.
struct ClientSignature {
  let method: SwiftMethod
  let generic: String?
  /// `(label, name, type)`; `options` goes first or after the request.
  let parameters: [(label: String, name: String, type: String)]
  let result: String
  let clientFunction: String
  let descriptor: String
  let note: String?

  static func all(for method: SwiftMethod, namespace: String) -> [ClientSignature] {
    let descriptor = "\(namespace).Method.\(method.name)"
    let request = method.requestType
    let response = method.responseType
    let result = method.resultTypeName
    let onResponse = (
      label: "onResponse", name: "onResponse",
      type: "(GRPCKit.ClientResponse<\(response)>) async throws -> \(result)"
    )
    func make(
      _ generic: String?,
      _ parameters: [(label: String, name: String, type: String)],
      _ returns: String,
      _ function: String,
      _ note: String?
    ) -> ClientSignature {
      ClientSignature(
        method: method,
        generic: generic,
        parameters: parameters,
        result: returns,
        clientFunction: function,
        descriptor: descriptor,
        note: note
      )
    }
    switch method.kind {
    case .unary:
      let input = (label: "_", name: "request", type: request)
      return [
        make(nil, [input], response, "unary", nil),
        make(
          result,
          [input, onResponse],
          result,
          "unary",
          "`onResponse` gets the response with its headers and trailers, or the error."
        ),
      ]
    case .clientStreaming:
      let requests = (
        label: "requests", name: "requests",
        type: "(GRPCKit.RequestWriter<\(request)>) async throws -> Void"
      )
      return [
        make(
          nil,
          [requests],
          response,
          "clientStreaming",
          "`requests` writes the requests; the call half-closes when it returns."
        ),
        make(
          result,
          [requests, onResponse],
          result,
          "clientStreaming",
          "`requests` writes the requests; `onResponse` gets the response with its headers and trailers, or the error."
        ),
      ]
    case .serverStreaming:
      return [
        make(
          result,
          [
            (label: "_", name: "request", type: request),
            (
              label: "body", name: "body",
              type: "(GRPCKit.ResponseStream<\(response)>) async throws -> \(result)"
            ),
          ],
          result,
          "serverStreaming",
          "`body` reads the responses; the call is cancelled if it returns before the server ends."
        )
      ]
    case .bidirectionalStreaming:
      return [
        make(
          result,
          [
            (
              label: "body", name: "body",
              type:
                "(GRPCKit.RequestWriter<\(request)>, GRPCKit.ResponseStream<\(response)>) async throws -> \(result)"
            )
          ],
          result,
          "bidirectionalStreaming",
          "`body` writes requests and reads responses, concurrently if it likes; when it returns, the requests half-close, and the call is cancelled if the server has not ended it."
        )
      ]
    }
  }

  private var hasRequest: Bool { self.parameters.first?.name == "request" }

  /// `name<Result: Sendable>(_ request: X, options: GRPCKit.CallOptions, ...) async throws -> Y`.
  func declaration(withOptions: Bool) -> String {
    var parameters = self.parameters.map {
      "\($0.label == $0.name ? $0.name : "\($0.label) \($0.name)"): \($0.type)"
    }
    if withOptions {
      parameters.insert("options: GRPCKit.CallOptions", at: self.hasRequest ? 1 : 0)
    }
    let generic = self.generic.map { "<\($0): Sendable>" } ?? ""
    return
      "\(self.method.name)\(generic)(\(parameters.joined(separator: ", "))) async throws -> \(self.result)"
  }

  /// The `GRPCKit.GRPCClient` call the generated `Client` makes.
  var call: String {
    var arguments = [self.descriptor]
    for parameter in self.parameters {
      if parameter.name == "request" {
        arguments.append("request: request")
        arguments.append("options: options")
      } else {
        if !self.hasRequest && arguments.count == 1 { arguments.append("options: options") }
        arguments.append("\(parameter.name): \(parameter.name)")
      }
    }
    return "\(self.clientFunction)(\(arguments.joined(separator: ", ")))"
  }

  /// The call of the full method from a convenience without `options`.
  var forwardingCall: String {
    var arguments: [String] = []
    for parameter in self.parameters {
      if parameter.name == "request" {
        arguments.append("request")
        arguments.append("options: GRPCKit.CallOptions()")
      } else {
        if !self.hasRequest && arguments.isEmpty {
          arguments.append("options: GRPCKit.CallOptions()")
        }
        arguments.append("\(parameter.name): \(parameter.name)")
      }
    }
    return "\(self.method.name)(\(arguments.joined(separator: ", ")))"
  }
}
