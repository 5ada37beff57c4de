/// Services and their methods.
extension ProtoFileParser {
  /// `service Name { rpc ...; }`
  mutating func parseService(scope: String) throws(CodeGenError) -> ProtoService {
    let keyword = take()
    let name = try expectIdentifier("a service name after \"service\"").text
    let open = try expect("{", "after service name \"\(name)\"")
    var service = ProtoService(
      name: name,
      fullName: scope.isEmpty ? name : "\(scope).\(name)",
      comments: ProtoComments(leading: keyword.leadingComments, trailing: open.trailingComment),
      location: location(keyword)
    )
    while consume("}") == nil {
      if atEnd {
        throw syntaxError("expected \"}\" to close service \"\(name)\", found end of file")
      }
      if consume(";") != nil { continue }
      if current.isKeyword("option") {
        service.options.append(try parseOptionStatement())
      } else if current.isKeyword("rpc") {
        service.methods.append(try parseMethod())
      } else {
        throw syntaxError(
          "expected \"rpc\" or \"option\" in service \"\(name)\", found \(current.quoted)"
        )
      }
    }
    return service
  }

  /// `rpc Name([stream] Input) returns ([stream] Output);` or with a `{ option ...; }` body.
  private mutating func parseMethod() throws(CodeGenError) -> ProtoMethod {
    let keyword = take()
    let name = try expectIdentifier("a method name after \"rpc\"").text
    try expect("(", "after method name \"\(name)\"")
    let clientStreaming = consumeStream()
    let (inputType, inputToken) = try parseTypeName("the request type of method \"\(name)\"")
    try expect(")", "after the request type of method \"\(name)\"")
    try expect("returns", "after the request type of method \"\(name)\"")
    try expect("(", "after \"returns\"")
    let serverStreaming = consumeStream()
    let (outputType, outputToken) = try parseTypeName("the response type of method \"\(name)\"")
    try expect(")", "after the response type of method \"\(name)\"")
    var options: [ProtoOption] = []
    let end: ProtoToken
    if let open = consume("{") {
      end = open
      while consume("}") == nil {
        if atEnd {
          throw syntaxError("expected \"}\" to close method \"\(name)\", found end of file")
        }
        if consume(";") != nil { continue }
        guard current.isKeyword("option") else {
          throw syntaxError(
            "expected \"option\" or \"}\" in method \"\(name)\", found \(current.quoted)"
          )
        }
        options.append(try parseOptionStatement())
      }
    } else {
      end = try expect(";", "or \"{\" after method \"\(name)\"")
    }
    return ProtoMethod(
      name: name,
      inputType: inputType,
      outputType: outputType,
      clientStreaming: clientStreaming,
      serverStreaming: serverStreaming,
      options: options,
      hasBody: end.isKeyword("{"),
      comments: ProtoComments(leading: keyword.leadingComments, trailing: end.trailingComment),
      location: location(keyword),
      inputTypeLocation: location(inputToken),
      outputTypeLocation: location(outputToken)
    )
  }

  /// Takes `stream` when it is the keyword rather than a type named `stream`.
  private mutating func consumeStream() -> Bool {
    guard current.isKeyword("stream"), next.kind == .identifier || next.isKeyword(".") else {
      return false
    }
    take()
    return true
  }
}
