import GRPCKit

/// `grpc.reflection.v1alpha.ServerReflection` over a shared DescriptorIndex.
struct ServerReflectionV1alpha: Grpc_Reflection_V1alpha_ServerReflection.ServiceProtocol {
  let index: DescriptorIndex

  func serverReflectionInfo(
    requests: RequestStream<Grpc_Reflection_V1alpha_ServerReflectionRequest>,
    responses: ResponseWriter<Grpc_Reflection_V1alpha_ServerReflectionResponse>,
    context: ServerContext
  ) async throws {
    var session = ReflectionSession(index: self.index)
    for try await request in requests {
      let answer = session.answer(try Self.query(request))
      try await responses.write(Self.response(answer, to: request))
    }
  }

  private static func query(
    _ request: Grpc_Reflection_V1alpha_ServerReflectionRequest
  ) throws(RPCError) -> ReflectionQuery {
    switch request.messageRequest {
    case .fileByFilename(let name)?: return .fileByFilename(name)
    case .fileContainingSymbol(let symbol)?: return .fileContainingSymbol(symbol)
    case .fileContainingExtension(let request)?:
      return .fileContainingExtension(
        containingType: request.containingType,
        number: request.extensionNumber
      )
    case .allExtensionNumbersOfType(let type)?: return .allExtensionNumbersOfType(type)
    case .listServices?: return .listServices
    case nil:
      throw RPCError(
        code: .invalidArgument,
        message: "ServerReflectionRequest sets none of the message_request fields"
      )
    }
  }

  /// The response: the answer, with `valid_host` and `original_request` echoed from the request.
  private static func response(
    _ answer: ReflectionAnswer,
    to request: Grpc_Reflection_V1alpha_ServerReflectionRequest
  ) -> Grpc_Reflection_V1alpha_ServerReflectionResponse {
    var response = Grpc_Reflection_V1alpha_ServerReflectionResponse()
    response.validHost = request.host
    response.originalRequest = request
    switch answer {
    case .fileDescriptors(let files):
      response.fileDescriptorResponse = .init(fileDescriptorProto: files)
    case .extensionNumbers(let type, let numbers):
      response.allExtensionNumbersResponse = .init(baseTypeName: type, extensionNumber: numbers)
    case .serviceNames(let names):
      response.listServicesResponse = .init(service: names.map { .init(name: $0) })
    case .error(let code, let message):
      response.errorResponse = .init(errorCode: Int32(code.rawValue), errorMessage: message)
    }
    return response
  }
}
