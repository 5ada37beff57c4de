import GRPCKit
import Testing

@Suite("Interceptor subjects")
struct ConditionalInterceptorTests {
  private static func method(_ service: String, _ name: String) -> ProtobufMethodDescriptor {
    ProtobufMethodDescriptor(name: name, serviceName: service, kind: .unary, inputType: "a.In", outputType: "a.Out")
  }
  private static let echoGet = method("echo.Echo", "Get")
  private static let echoUpdate = method("echo.Echo", "Update")
  private static let healthCheck = method("grpc.health.v1.Health", "Check")
  private static let echoService = ProtobufServiceDescriptor(fullName: "echo.Echo", methods: [echoGet, echoUpdate])

  typealias Subject = ConditionalInterceptor<any ServerInterceptor>.Subject

  @Test(
    "A subject applies to every call, the calls of its services, or of its methods",
    arguments: [
      (Subject.all, [true, true, true]),
      (Subject.services([echoService]), [true, true, false]),
      (Subject.methods([echoGet]), [true, false, false]),
      (Subject.methods([echoUpdate, healthCheck]), [false, true, true]),
      (Subject.services([]), [false, false, false]),
    ])
  func applies(subject: Subject, expected: [Bool]) {
    #expect([Self.echoGet, Self.echoUpdate, Self.healthCheck].map(subject.applies(to:)) == expected)
  }

  @Test("Methods match by path, whatever else their descriptors say")
  func methodsMatchByPath() {
    let streaming = ProtobufMethodDescriptor(
      name: "Get", serviceName: "echo.Echo", kind: .bidirectionalStreaming, inputType: "x.Y", outputType: "x.Z")
    #expect(Subject.methods([Self.echoGet]).applies(to: streaming))
  }
}
