import GRPCKit
import GRPCTestSupport
import ReflectionService
import Testing

/// The reflection protocol versions; their messages are identical on the wire, so tests write
/// v1alpha messages and convert them for v1.
enum ReflectionVersion: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case v1, v1alpha

  var testDescription: String { self.rawValue }
}

typealias ReflectionRequest = Grpc_Reflection_V1alpha_ServerReflectionRequest
typealias ReflectionResponse = Grpc_Reflection_V1alpha_ServerReflectionResponse

/// Sends `requests` on one `ServerReflectionInfo` stream, one at a time, and returns the
/// response to each.
func reflect(
  _ version: ReflectionVersion,
  port: Int,
  _ requests: [ReflectionRequest]
) async throws -> [ReflectionResponse] {
  try await withClient(port: port) { client in
    switch version {
    case .v1alpha:
      return try await exchange(
        client,
        Grpc_Reflection_V1alpha_ServerReflection.Method.serverReflectionInfo,
        requests
      )
    case .v1:
      let converted = try requests.map {
        try Grpc_Reflection_V1_ServerReflectionRequest(serializedBytes: $0.serializedBytes())
      }
      let responses: [Grpc_Reflection_V1_ServerReflectionResponse] = try await exchange(
        client,
        Grpc_Reflection_V1_ServerReflection.Method.serverReflectionInfo,
        converted
      )
      return try responses.map { try ReflectionResponse(serializedBytes: $0.serializedBytes()) }
    }
  }
}

private func exchange<Request: ProtobufMessage, Response: ProtobufMessage>(
  _ client: GRPCClient,
  _ method: ProtobufMethodDescriptor,
  _ requests: [Request]
) async throws -> [Response] {
  try await client.bidirectionalStreaming(method, options: bounded) {
    (writer: RequestWriter<Request>, responses: ResponseStream<Response>) in
    var iterator = responses.makeAsyncIterator()
    var received: [Response] = []
    for request in requests {
      try await writer.write(request)
      received.append(try await iterator.nextMessage())
    }
    writer.finish()
    return received
  }
}

/// Serves `reflection` on a test server for the duration of `body`.
func withReflectionServer<Result: Sendable>(
  _ reflection: ReflectionService = sampleReflection(),
  _ body: (Int) async throws -> Result
) async throws -> Result {
  try await withTestServer(services: [reflection], body)
}

/// Three files: `a.proto` imports `b.proto` and `c.proto`, `b.proto` imports `c.proto`.
enum SampleFiles {
  static let c = FileDescriptorBytes.file(
    "test/c.proto",
    package: "test",
    enums: [FileDescriptorBytes.named("Color", members: [(2, FileDescriptorBytes.named("RED"))])],
    services: [
      FileDescriptorBytes.named("Paint", members: [(2, FileDescriptorBytes.named("Mix"))])
    ],
    symbols: ["test.Color", "test.Paint"]
  )
  static let b = FileDescriptorBytes.file(
    "test/b.proto",
    package: "test",
    dependencies: ["test/c.proto"],
    messages: [FileDescriptorBytes.named("Brush")],
    symbols: ["test.Brush"]
  )
  static let a = FileDescriptorBytes.file(
    "test/a.proto",
    package: "test",
    dependencies: ["test/b.proto", "test/c.proto"],
    messages: [
      FileDescriptorBytes.named(
        "Canvas",
        members: [
          (2, FileDescriptorBytes.named("width")),
          (3, FileDescriptorBytes.named("Corner")),
          (8, FileDescriptorBytes.named("fill")),
        ]
      )
    ],
    symbols: ["test.Canvas", "test.Canvas.Corner"]
  )
}

/// A reflection service over the sample files, listing two made-up services.
func sampleReflection() -> ReflectionService {
  ReflectionService(
    files: [SampleFiles.a, SampleFiles.b, SampleFiles.c],
    serviceNames: ["test.Paint", "a.Other"] + ReflectionService.serviceNames
  )
}

extension ReflectionRequest {
  static func file(_ name: String) -> Self {
    var request = Self()
    request.fileByFilename = name
    return request
  }

  static func symbol(_ name: String) -> Self {
    var request = Self()
    request.fileContainingSymbol = name
    return request
  }
}
