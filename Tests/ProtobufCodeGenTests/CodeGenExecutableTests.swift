import Foundation
import Testing

/// Runs the built `protobuf-codegen` executable as the build plugin does: real files, real exit status.
@Suite("protobuf-codegen executable")
struct CodeGenExecutableTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
  static let protos = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Protos")

  /// The executable sits next to the test bundle in the build folder (`swift build --build-tests` builds both).
  static func executable() throws -> URL {
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    let candidate = testBinary.deletingLastPathComponent().appendingPathComponent("protobuf-codegen")
    guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
      throw ExecutableMissing(path: candidate.path)
    }
    return candidate
  }

  struct ExecutableMissing: Error, CustomStringConvertible {
    var path: String
    var description: String { "protobuf-codegen not found at \(path); run `swift build --build-tests` first" }
  }

  static func run(_ arguments: [String]) throws -> (status: Int32, standardError: String) {
    let process = Process()
    process.executableURL = try executable()
    process.arguments = arguments
    let errorPipe = Pipe()
    process.standardError = errorPipe
    try process.run()
    let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: errorData, as: UTF8.self))
  }

  @Test("A bad proto exits 1 with a file:line:column diagnostic")
  func badProto() throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("codegen-\(UUID())")
    defer { try? FileManager.default.removeItem(at: output) }
    let result = try Self.run([
      "--proto-path", Self.fixtures.path, "--output-dir", output.path, "bad/unknown_type.proto",
    ])
    #expect(result.status == 1)
    #expect(
      result.standardError.contains(
        #"\#(Self.fixtures.path)/bad/unknown_type.proto:6:3: error: unknown type "Customer" in field "customer" of message "fixtures.bad.Order""#
      )
    )
    #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("bad_unknown_type.pb.swift").path))
  }

  @Test("Every file under Protos/ generates Swift")
  func standardProtos() throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("codegen-\(UUID())")
    defer { try? FileManager.default.removeItem(at: output) }
    let names = [
      "chat.proto", "grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto",
      "grpc/reflection/v1alpha/reflection.proto",
    ]
    let result = try Self.run(["--proto-path", Self.protos.path, "--output-dir", output.path] + names)
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let health = try String(
      contentsOf: output.appendingPathComponent("grpc_health_v1_health.pb.swift"),
      encoding: .utf8
    )
    #expect(health.contains("public struct Grpc_Health_V1_HealthCheckRequest: ProtobufMessage"))
    #expect(health.contains(#"fullName: "grpc.health.v1.Health""#))
    for file in ["chat.pb.swift", "grpc_reflection_v1_reflection.pb.swift", "grpc_reflection_v1alpha_reflection.pb.swift"] {
      #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(file).path), "\(file) missing")
    }
  }

  @Test("A well-known import resolves with no proto path for it")
  func wellKnownImport() throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("codegen-\(UUID())")
    defer { try? FileManager.default.removeItem(at: output) }
    let good = Self.fixtures.appendingPathComponent("good").path
    let result = try Self.run(
      ["--proto-path", good, "--output-dir", output.path, "well_known_user.proto"]
    )
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let swift = try String(
      contentsOf: output.appendingPathComponent("well_known_user.pb.swift"),
      encoding: .utf8
    )
    #expect(swift.contains("public import ProtobufWellKnownTypes\n"))
  }

  @Test("Bad arguments exit 2 with a usage line")
  func badArguments() throws {
    let result = try Self.run(["--visibility", "secret"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("usage:"))
  }
}
