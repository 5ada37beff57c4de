import ChatAPI
import GRPCKit
import HealthService
import ReflectionService
import Testing

@Suite("Server reflection, v1 and v1alpha")
struct ReflectionServiceTests {
  private static let versions = ReflectionVersion.allCases

  @Test("list_services answers the listed services, sorted", arguments: versions)
  func listServices(version: ReflectionVersion) async throws {
    var request = ReflectionRequest()
    request.listServices = ""
    let responses = try await withReflectionServer { port in
      try await reflect(version, port: port, [request])
    }
    #expect(
      responses.first?.listServicesResponse.service.map(\.name) == [
        "a.Other", "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
        "test.Paint",
      ]
    )
  }

  @Test("file_by_filename answers the file, then its dependencies once each", arguments: versions)
  func fileByFilenameIncludesDependencies(version: ReflectionVersion) async throws {
    let responses = try await withReflectionServer { port in
      try await reflect(version, port: port, [.file("test/a.proto")])
    }
    #expect(
      responses.first?.fileDescriptorResponse.fileDescriptorProto == [
        SampleFiles.a.serializedProto, SampleFiles.b.serializedProto, SampleFiles.c.serializedProto,
      ]
    )
  }

  @Test("A stream does not resend dependencies it already sent", arguments: versions)
  func dependenciesAreSentOncePerStream(version: ReflectionVersion) async throws {
    let responses = try await withReflectionServer { port in
      try await reflect(
        version,
        port: port,
        [.file("test/b.proto"), .file("test/a.proto"), .file("test/c.proto")]
      )
    }
    #expect(
      responses.map(\.fileDescriptorResponse.fileDescriptorProto) == [
        [SampleFiles.b.serializedProto, SampleFiles.c.serializedProto],
        [SampleFiles.a.serializedProto],
        [SampleFiles.c.serializedProto],
      ]
    )
  }

  @Test(
    "file_containing_symbol finds messages, fields, nested types, oneofs, enums, values, services and methods",
    arguments: [
      ("test.Canvas", "test/a.proto"), ("test.Canvas.width", "test/a.proto"),
      ("test.Canvas.Corner", "test/a.proto"), ("test.Canvas.fill", "test/a.proto"),
      (".test.Canvas", "test/a.proto"), ("test.Brush", "test/b.proto"),
      ("test.Color", "test/c.proto"),
      ("test.RED", "test/c.proto"), ("test.Paint", "test/c.proto"),
      ("test.Paint.Mix", "test/c.proto"),
    ]
  )
  func fileContainingSymbol(symbol: String, file: String) async throws {
    for version in ReflectionVersion.allCases {
      let responses = try await withReflectionServer { port in
        try await reflect(version, port: port, [.symbol(symbol)])
      }
      let expected = try #require(
        [SampleFiles.a, SampleFiles.b, SampleFiles.c].first { $0.name == file }
      )
      #expect(
        responses.first?.fileDescriptorResponse.fileDescriptorProto.first
          == expected.serializedProto
      )
    }
  }

  @Test("file_containing_symbol answers the file with its dependencies", arguments: versions)
  func fileContainingSymbolIncludesDependencies(version: ReflectionVersion) async throws {
    let responses = try await withReflectionServer { port in
      try await reflect(version, port: port, [.symbol("test.Brush")])
    }
    #expect(
      responses.first?.fileDescriptorResponse.fileDescriptorProto == [
        SampleFiles.b.serializedProto, SampleFiles.c.serializedProto,
      ]
    )
  }

  @Test("An unknown file gets NOT_FOUND naming it", arguments: versions)
  func unknownFileIsNotFound(version: ReflectionVersion) async throws {
    let responses = try await withReflectionServer { port in
      try await reflect(version, port: port, [.file("missing.proto")])
    }
    let error = try #require(responses.first?.errorResponse)
    #expect(error.errorCode == Int32(Status.Code.notFound.rawValue))
    #expect(error.errorMessage.contains("missing.proto"))
  }

  @Test("An unknown symbol gets NOT_FOUND naming it, and the stream goes on", arguments: versions)
  func unknownSymbolIsNotFound(version: ReflectionVersion) async throws {
    let responses = try await withReflectionServer { port in
      try await reflect(
        version,
        port: port,
        [.symbol("test.Nope"), .symbol("test.Canvas.height"), .symbol("test.Brush")]
      )
    }
    #expect(responses.count == 3)
    #expect(responses[0].errorResponse.errorCode == Int32(Status.Code.notFound.rawValue))
    #expect(responses[0].errorResponse.errorMessage.contains("test.Nope"))
    #expect(responses[1].errorResponse.errorMessage.contains("test.Canvas.height"))
    #expect(
      responses[2].fileDescriptorResponse.fileDescriptorProto.first == SampleFiles.b.serializedProto
    )
  }

  @Test(
    "Extension requests get NOT_FOUND; a message's extension numbers are none",
    arguments: versions
  )
  func extensionsAreNotServed(version: ReflectionVersion) async throws {
    var byExtension = ReflectionRequest()
    byExtension.fileContainingExtension = .init(containingType: "test.Canvas", extensionNumber: 100)
    var numbers = ReflectionRequest()
    numbers.allExtensionNumbersOfType = "test.Canvas"
    var unknownType = ReflectionRequest()
    unknownType.allExtensionNumbersOfType = "test.Color"
    let responses = try await withReflectionServer { port in
      try await reflect(version, port: port, [byExtension, numbers, unknownType])
    }
    let notFound = Int32(Status.Code.notFound.rawValue)
    #expect(responses[0].errorResponse.errorCode == notFound)
    #expect(
      responses[1].allExtensionNumbersResponse
        == .init(baseTypeName: "test.Canvas", extensionNumber: [])
    )
    #expect(responses[2].errorResponse.errorCode == notFound)
    #expect(responses[2].errorResponse.errorMessage.contains("test.Color"))
  }

  @Test("Responses echo valid_host and original_request", arguments: versions)
  func responsesEchoHostAndRequest(version: ReflectionVersion) async throws {
    var request = ReflectionRequest.symbol("test.Paint")
    request.host = "chat.example.com"
    let responses = try await withReflectionServer { port in
      try await reflect(version, port: port, [request])
    }
    #expect(responses.first?.validHost == "chat.example.com")
    #expect(responses.first?.originalRequest == request)
  }

  @Test(
    "A request without a message_request ends the stream with INVALID_ARGUMENT",
    arguments: versions
  )
  func emptyRequestIsInvalid(version: ReflectionVersion) async throws {
    let error = try await withReflectionServer { port in
      await #expect(throws: RPCError.self) {
        try await reflect(version, port: port, [ReflectionRequest()])
      }
    }
    #expect(error?.code == .invalidArgument)
  }

  @Test("The generated descriptors are served: chat, health, reflection", arguments: versions)
  func generatedDescriptorsAreServed(version: ReflectionVersion) async throws {
    let reflection = ReflectionService(
      files: [ChatProto.fileDescriptor, HealthService.fileDescriptor],
      services: [HealthService()]
    )
    let responses = try await withReflectionServer(reflection) { port in
      try await reflect(
        version,
        port: port,
        [
          .symbol("ChatService"), .symbol("ChatMessage.user"),
          .symbol("grpc.health.v1.HealthCheckResponse.SERVING"),
          .file("grpc/reflection/v1alpha/reflection.proto"),
        ]
      )
    }
    #expect(
      responses.map { $0.fileDescriptorResponse.fileDescriptorProto.first } == [
        ChatProto.fileDescriptor.serializedProto, ChatProto.fileDescriptor.serializedProto,
        HealthService.fileDescriptor.serializedProto,
        ReflectionService.fileDescriptors[1].serializedProto,
      ]
    )
    #expect(
      reflection.listedServiceNames == [
        "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
      ]
    )
  }
}
