import GRPCKit
import GRPCTestSupport

/// A second service, `other.Echo`, with one unary method `Get` that takes and returns Echo's
/// messages: the service an interceptor scoped to `echo.Echo` must leave alone.
struct OtherEchoService: RegistrableRPCService {
  static let get = ProtobufMethodDescriptor(
    name: "Get", serviceName: "other.Echo", kind: .unary, inputType: "echo.EchoRequest",
    outputType: "echo.EchoResponse")
  static let descriptor = ProtobufServiceDescriptor(fullName: "other.Echo", methods: [get])

  func registerMethods(with router: inout RPCRouter) {
    router.registerUnary(Self.get) { (request: Echo_EchoRequest, _) -> Echo_EchoResponse in
      Echo_EchoResponse(text: request.text)
    }
  }
}
