extension SwiftFileEmitter {
  /// A namespace enum per service: its `descriptor` and a `Method` enum with a descriptor per RPC.
  mutating func emitService(_ service: ProtoService) {
    let methods = service.methods.map { SwiftMethod($0, types: types) }
    docComment(service.comments)
    block("\(visibility) enum \(serviceTypeName(service)) {") { body in
      body.line("/// The service's full name and methods.")
      body.line("\(body.visibility) static let descriptor = ProtobufServiceDescriptor(")
      body.indented { body in
        body.line("fullName: \(Self.stringLiteral(service.fullName)),")
        body.line("methods: [\(methods.map { "Method." + $0.name }.joined(separator: ", "))]")
      }
      body.line(")")
      body.line()
      body.line("/// The descriptor of each method.")
      body.block("\(body.visibility) enum Method {") { body in
        for (index, method) in methods.enumerated() {
          if index > 0 { body.line() }
          body.docComment(method.proto.comments)
          body.line("\(body.visibility) static let \(method.name) = ProtobufMethodDescriptor(")
          body.indented { body in
            body.line("name: \(Self.stringLiteral(method.proto.name)),")
            body.line("serviceName: \(Self.stringLiteral(service.fullName)),")
            body.line("kind: .\(method.kind.rawValue),")
            body.line("inputType: \(Self.stringLiteral(method.proto.inputType)),")
            body.line("outputType: \(Self.stringLiteral(method.proto.outputType))")
          }
          body.line(")")
        }
      }
    }
  }

  /// The Swift name of a service's namespace: the package prefix and the service name
  /// (`Grpc_Health_V1_Health`, `ChatService`).
  func serviceTypeName(_ service: ProtoService) -> String {
    SwiftNames.typePrefix(package: file.package) + service.name
  }
}
