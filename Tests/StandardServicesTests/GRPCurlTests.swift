import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

/// grpcurl 1.8.6 (v1alpha reflection only) against the built `chat-server`, with no `.proto`
/// files on grpcurl's side.
@Suite("grpcurl against chat-server")
struct GRPCurlTests {
  @Test("grpcurl list shows the chat, health and reflection services")
  func listShowsServices() async throws {
    let run = try await Self.grpcurl(["list"])
    #expect(run.exitStatus == .exited(0), "\(run.standardError)")
    #expect(
      run.standardOutput.split(separator: "\n") == [
        "ChatService", "chat.v1.RoomEvents", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
      ]
    )
  }

  @Test("grpcurl describe ChatService shows the bidirectional ChatStream method")
  func describeChatService() async throws {
    let run = try await Self.grpcurl(["describe", "ChatService"])
    #expect(run.exitStatus == .exited(0), "\(run.standardError)")
    #expect(run.standardOutput.contains("ChatService is a service:"))
    #expect(
      run.standardOutput.contains(
        "rpc ChatStream ( stream .ChatMessage ) returns ( stream .ChatMessage );"
      )
    )
  }

  @Test("grpcurl describe chat.v1.RoomEvents shows Subscribe and Publish")
  func describeRoomEvents() async throws {
    let run = try await Self.grpcurl(["describe", "chat.v1.RoomEvents"])
    #expect(run.exitStatus == .exited(0), "\(run.standardError)")
    #expect(run.standardOutput.contains("rpc Subscribe ( .chat.v1.SubscribeRequest ) returns ( stream .chat.v1.RoomEvent );"))
    #expect(run.standardOutput.contains("rpc Publish ( .chat.v1.PublishRequest ) returns ( .chat.v1.RoomEvent );"))
  }

  @Test("grpcurl describe ChatMessage shows its three fields")
  func describeChatMessage() async throws {
    let run = try await Self.grpcurl(["describe", "ChatMessage"])
    #expect(run.exitStatus == .exited(0), "\(run.standardError)")
    #expect(run.standardOutput.contains("ChatMessage is a message:"))
    for field in ["string user = 1;", "string message = 2;", "int64 timestamp = 3;"] {
      #expect(run.standardOutput.contains(field), "\(run.standardOutput)")
    }
  }

  @Test("grpcurl -d '{}' ChatService/ChatStream prints the stamped echo and exits 0")
  func chatStreamEchoes() async throws {
    let before = Int64(Date().timeIntervalSince1970 * 1000)
    let run = try await Self.grpcurl(["-d", "{}", "ChatService/ChatStream"])
    #expect(run.exitStatus == .exited(0), "\(run.standardError)")
    let echo = try #require(
      try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any],
      "not one JSON object: \(run.standardOutput)"
    )
    #expect(echo["user"] as? String == "anonymous")
    // grpcurl prints int64 as a JSON string.
    let timestamp = try #require((echo["timestamp"] as? String).flatMap { Int64($0) }, "\(echo)")
    #expect(timestamp >= before)
  }

  @Test("grpcurl grpc.health.v1.Health/Check reports SERVING for the server and ChatService")
  func healthCheckIsServing() async throws {
    try await Self.withChatServer { port in
      for request in ["{}", #"{"service":"ChatService"}"#] {
        let run = try await Self.grpcurl(
          ["-d", request, "grpc.health.v1.Health/Check"],
          port: port
        )
        #expect(run.exitStatus == .exited(0), "\(run.standardError)")
        #expect(run.standardOutput.contains(#""status": "SERVING""#), "\(run.standardOutput)")
      }
    }
  }

  @Test("grpcurl describe of an unknown symbol fails naming it")
  func describeUnknownSymbolFails() async throws {
    let run = try await Self.grpcurl(["describe", "NoSuchThing"])
    #expect(run.exitStatus != .exited(0))
    #expect(run.standardError.contains("NoSuchThing"))
  }

  @Test(
    "On SIGTERM a grpcurl Health/Watch sees NOT_SERVING, then UNAVAILABLE, and chat-server exits 0"
  )
  func watchSeesShutdown() async throws {
    let server = try ExternalProcess(
      executable: try TestPrograms.chatServer(),
      arguments: ["--host", "127.0.0.1", "--port", "0", "--grace-period", "1"]
    )
    let port = try await server.waitForListeningPort()
    let watch = try ExternalProcess(
      executable: try await TestPrograms.grpcurl(),
      arguments: Self.arguments(["-d", "{}", "grpc.health.v1.Health/Watch"], port: port)
    )
    _ = try await watch.waitForLine(timeout: .seconds(20)) { $0.contains(#""status": "SERVING""#) }
    server.terminate()
    _ = try await watch.waitForLine(timeout: .seconds(20)) {
      $0.contains(#""status": "NOT_SERVING""#)
    }
    let run = try await watch.finish()
    #expect(run.exitStatus == .exited(64 + Int32(Status.Code.unavailable.rawValue)))
    #expect(run.standardError.contains("Unavailable"), "\(run.standardError)")
    #expect(try await server.waitForExit(timeout: .seconds(20)) == .exited(0))
  }

  /// Starts `chat-server --port 0 --host 127.0.0.1`, runs `body` with its port, stops it.
  private static func withChatServer<Result: Sendable>(
    _ body: (Int) async throws -> Result
  ) async throws -> Result {
    let executable = try TestPrograms.chatServer()
    return try await withExternalProcess(
      try ExternalProcess(
        executable: executable,
        arguments: ["--host", "127.0.0.1", "--port", "0"]
      )
    ) { server in
      try await body(try await server.waitForListeningPort())
    }
  }

  /// Runs grpcurl against a fresh chat-server.
  private static func grpcurl(_ arguments: [String]) async throws -> ProgramRun {
    try await withChatServer { port in try await grpcurl(arguments, port: port) }
  }

  /// Runs grpcurl against `127.0.0.1:port` to the end.
  private static func grpcurl(_ arguments: [String], port: Int) async throws -> ProgramRun {
    let process = try ExternalProcess(
      executable: try await TestPrograms.grpcurl(),
      arguments: Self.arguments(arguments, port: port)
    )
    return try await process.finish()
  }

  /// `-plaintext -max-time 20 127.0.0.1:PORT` placed before the command, as grpcurl wants
  /// (`-d` is a flag, so it goes before the address too).
  private static func arguments(_ command: [String], port: Int) -> [String] {
    var flags: [String] = ["-plaintext", "-max-time", "20"]
    var rest = command
    if let index = rest.firstIndex(of: "-d") {
      flags += rest[index ... index + 1]
      rest.removeSubrange(index ... index + 1)
    }
    return flags + ["127.0.0.1:\(port)"] + rest
  }
}
