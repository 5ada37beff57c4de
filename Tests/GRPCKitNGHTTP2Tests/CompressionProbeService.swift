import GRPCKit
import GRPCTestSupport

/// `compression.Probe`, over the echo messages: shows the handler's view of compression.
///
/// - `Inspect` (unary): replies with the request's encoding as `text` (what the handler saw in
///   `grpc-encoding`) and the request's payload; a request `text` naming an algorithm sets
///   `ServerContext.responseCompression` to it first.
/// - `Words` (server streaming): one reply per character of the request's `text`, carrying the
///   payload: `c` is written with `compress: true`, anything else with `compress: false`.
struct CompressionProbeService: RegistrableRPCService {
  static let inspect = ProtobufMethodDescriptor(
    name: "Inspect",
    serviceName: "compression.Probe",
    kind: .unary,
    inputType: "echo.EchoRequest",
    outputType: "echo.EchoResponse"
  )
  static let words = ProtobufMethodDescriptor(
    name: "Words",
    serviceName: "compression.Probe",
    kind: .serverStreaming,
    inputType: "echo.EchoRequest",
    outputType: "echo.EchoResponse"
  )

  func registerMethods(with router: inout RPCRouter) {
    router.registerUnary(Self.inspect) {
      (request: Echo_EchoRequest, context: ServerContext) -> Echo_EchoResponse in
      if let algorithm = CompressionAlgorithm(named: request.text) {
        context.responseCompression = algorithm
      }
      return Echo_EchoResponse(text: context.requestCompression.name, payload: request.payload)
    }
    router.registerServerStreaming(Self.words) {
      (request: Echo_EchoRequest, responses: ResponseWriter<Echo_EchoResponse>, _: ServerContext) in
      for character in request.text {
        try await responses.write(
          Echo_EchoResponse(text: String(character), payload: request.payload),
          compress: character == "c"
        )
      }
    }
  }
}
