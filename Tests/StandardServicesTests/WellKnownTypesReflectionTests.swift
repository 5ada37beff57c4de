import GRPCKit
import GRPCTestSupport
import ProtobufWellKnownTypes
import ReflectionService
import Testing

/// Reflection of the well-known types: served on every server, and sent with the files that use
/// them (`event_log.proto`, generated in this target, imports `any.proto` and `timestamp.proto`).
@Suite("Server reflection of the well-known types")
struct WellKnownTypesReflectionTests {
  /// A reflection service that serves `event_log.proto` and lists its service.
  static func eventLogReflection() -> ReflectionService {
    ReflectionService(
      files: [Test_Events_EventLogProto.fileDescriptor],
      serviceNames: [Test_Events_EventLog.descriptor.fullName] + ReflectionService.serviceNames
    )
  }

  @Test(
    "file_containing_symbol google.protobuf.Timestamp answers timestamp.proto on any server",
    arguments: ReflectionVersion.allCases
  )
  func timestampIsServed(version: ReflectionVersion) async throws {
    let responses = try await withReflectionServer { port in
      try await reflect(version, port: port, [.symbol("google.protobuf.Timestamp")])
    }
    #expect(
      responses.first?.fileDescriptorResponse.fileDescriptorProto == [
        Google_Protobuf_TimestampProto.fileDescriptor.serializedProto
      ]
    )
  }

  @Test(
    "Every well-known file is served by name",
    arguments: WellKnownTypes.fileDescriptors.map(\.name)
  )
  func everyFileIsServed(name: String) async throws {
    let responses = try await withReflectionServer { port in
      try await reflect(.v1alpha, port: port, [.file(name)])
    }
    let expected = try #require(WellKnownTypes.fileDescriptors.first { $0.name == name })
    #expect(
      responses.first?.fileDescriptorResponse.fileDescriptorProto == [expected.serializedProto]
    )
  }

  @Test(
    "A message that uses well-known types comes with their files",
    arguments: ReflectionVersion.allCases
  )
  func dependenciesAreSent(version: ReflectionVersion) async throws {
    let responses = try await withReflectionServer(Self.eventLogReflection()) { port in
      try await reflect(version, port: port, [.symbol("test.events.Event")])
    }
    #expect(
      responses.first?.fileDescriptorResponse.fileDescriptorProto == [
        Test_Events_EventLogProto.fileDescriptor.serializedProto,
        Google_Protobuf_AnyProto.fileDescriptor.serializedProto,
        Google_Protobuf_TimestampProto.fileDescriptor.serializedProto,
      ]
    )
  }

  @Test("grpcurl describes a message with Timestamp and Any fields, and Timestamp itself")
  func grpcurlDescribesWellKnownTypes() async throws {
    let grpcurl = try await TestPrograms.grpcurl()
    let (event, timestamp, service) = try await withReflectionServer(Self.eventLogReflection()) {
      port in
      func describe(_ symbol: String) async throws -> ProgramRun {
        try await ExternalProcess(
          executable: grpcurl,
          arguments: ["-plaintext", "-max-time", "20", "127.0.0.1:\(port)", "describe", symbol]
        ).finish()
      }
      return (
        try await describe("test.events.Event"), try await describe("google.protobuf.Timestamp"),
        try await describe("test.events.EventLog")
      )
    }
    #expect(event.exitStatus == .exited(0), "\(event.standardError)")
    #expect(
      event.standardOutput.contains(".google.protobuf.Timestamp at = 2;"),
      "\(event.standardOutput)"
    )
    #expect(
      event.standardOutput.contains(".google.protobuf.Any detail = 3;"),
      "\(event.standardOutput)"
    )
    #expect(timestamp.exitStatus == .exited(0), "\(timestamp.standardError)")
    #expect(timestamp.standardOutput.contains("int64 seconds = 1;"), "\(timestamp.standardOutput)")
    #expect(timestamp.standardOutput.contains("int32 nanos = 2;"), "\(timestamp.standardOutput)")
    #expect(service.exitStatus == .exited(0), "\(service.standardError)")
    #expect(
      service.standardOutput.contains(
        "rpc Append ( .test.events.Event ) returns ( .google.protobuf.Timestamp );"
      ),
      "\(service.standardOutput)"
    )
  }
}
