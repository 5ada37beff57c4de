extension SwiftFileEmitter {
  /// A namespace enum per service: its `descriptor` and a `Method` enum with a descriptor per RPC.
  mutating func emitService(_ service: ProtoService) {
    let prefix = SwiftNames.typePrefix(package: file.package)
    let methods = service.methods.map { method in
      (method, SwiftNames.memberName(method.name, reserved: ["init", "self", "Type", "Protocol"]))
    }
    docComment(service.comments)
    block("\(visibility) enum \(prefix)\(service.name) {") { body in
      body.line("/// The service's full name and methods.")
      body.line("\(body.visibility) static let descriptor = ProtobufServiceDescriptor(")
      body.indented { body in
        body.line("fullName: \(Self.stringLiteral(service.fullName)),")
        body.line("methods: [\(methods.map { "Method." + $0.1 }.joined(separator: ", "))]")
      }
      body.line(")")
      body.line()
      body.line("/// The descriptor of each method.")
      body.block("\(body.visibility) enum Method {") { body in
        for (index, (method, name)) in methods.enumerated() {
          if index > 0 { body.line() }
          body.docComment(method.comments)
          body.line("\(body.visibility) static let \(name) = ProtobufMethodDescriptor(")
          body.indented { body in
            body.line("name: \(Self.stringLiteral(method.name)),")
            body.line("serviceName: \(Self.stringLiteral(service.fullName)),")
            body.line("kind: .\(Self.kind(method)),")
            body.line("inputType: \(Self.stringLiteral(method.inputType)),")
            body.line("outputType: \(Self.stringLiteral(method.outputType))")
          }
          body.line(")")
        }
      }
    }
  }

  private static func kind(_ method: ProtoMethod) -> String {
    switch (method.clientStreaming, method.serverStreaming) {
    case (false, false): "unary"
    case (true, false): "clientStreaming"
    case (false, true): "serverStreaming"
    case (true, true): "bidirectionalStreaming"
    }
  }
}
