import ChatAPI
import ChatClient
import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

/// Answers `Publish` with the stored message's text replaced by the values of the request
/// metadata it names (comma-separated, `<none>` without any), under the id `1-1`.
struct HeaderEchoRoomEvents: Chat_V1_RoomEvents.ServiceProtocol {
  func subscribe(
    request: Chat_V1_SubscribeRequest, responses: ResponseWriter<Chat_V1_RoomEvent>, context: ServerContext
  ) async throws {
    throw RPCError(code: .unimplemented, message: "only Publish")
  }

  func publish(request: Chat_V1_PublishRequest, context: ServerContext) async throws -> Chat_V1_RoomEvent {
    var message = request.message ?? ChatMessage()
    let values = context.requestMetadata[stringValues: message.message]
    message.message = values.isEmpty ? "<none>" : values.joined(separator: ",")
    return Chat_V1_RoomEvent(id: "1-1", message: message)
  }
}

@Suite("chat-client on RoomEvents: publish, listen from an id, headers, version, exit codes", .serialized)
struct ChatClientRoomProcessTests {
  @Test("publish prints the stored message with its id as one JSON line and exits 0")
  func publishPrintsStoredMessage() async throws {
    let result = try await withChatServerProcess { _, port in
      try await runChatClient(["publish", "--target", "127.0.0.1:\(port)", "--room", "ops", "--user", "ada", "stored"])
    }
    #expect(result.status == .exited(0), "\(result.standardError)")
    #expect(result.standardError.isEmpty)
    try #require(result.outputLines.count == 1, "\(result.standardOutput)")
    let line = try chatLine(result.outputLines[0])
    #expect(line.id?.wholeMatch(of: /[1-9][0-9]*-1/) != nil, "\(line.id ?? "no id")")
    #expect([line.user, line.message] == ["ada", "stored"])
    #expect(line.timestamp > 1_600_000_000_000)
  }

  @Test("listen --from-oldest --count N prints the retained messages with their ids")
  func listenFromOldestPrintsRetained() async throws {
    let (published, result) = try await withChatServerProcess(arguments: ["--history-size", "3"]) { _, port in
      let published = try await Self.publish(5, to: "news", port: port)
      return (published, try await runChatClient(["listen", "--target", "127.0.0.1:\(port)", "--room", "news", "--from-oldest", "--count", "3"]))
    }
    #expect(result.status == .exited(0), "\(result.standardError)")
    #expect(try result.outputLines.map(Self.event) == Array(published[2...]))
  }

  @Test("listen --after ID --count N prints the messages after that id with their ids")
  func listenAfterPrintsFollowing() async throws {
    let (published, result) = try await withChatServerProcess { _, port in
      let published = try await Self.publish(5, to: "news", port: port)
      return (
        published,
        try await runChatClient(["listen", "--target", "127.0.0.1:\(port)", "--room", "news", "--after", published[1].id, "--count", "3"])
      )
    }
    #expect(result.status == .exited(0), "\(result.standardError)")
    #expect(try result.outputLines.map(Self.event) == Array(published[2...]))
  }

  @Test("Repeated -H headers reach the server as request metadata, names lowercased")
  func headersReachServer() async throws {
    let result = try await withServer(port: 0, services: [HeaderEchoRoomEvents()]) { port in
      try await runChatClient([
        "publish", "--target", "127.0.0.1:\(port)", "-H", "x-trace: abc", "--header", "X-Trace:def", "--user", "ada", "x-trace",
      ])
    }
    #expect(result.status == .exited(0), "\(result.standardError)")
    #expect(try chatLine(result.standardOutput).message == "abc,def")
  }

  @Test("--version prints the version and exits 0", arguments: ["chat-client", "chat-server"])
  func versionPrintsVersion(product: String) async throws {
    let result = try await runBuiltProduct(product, ["--version"])
    #expect(result.status == .exited(0))
    #expect(result.standardOutput == "\(ProjectVersion.current)\n")
  }

  @Test("listen --after an id older than the history exits 75 with one OUT_OF_RANGE line naming the oldest id")
  func listenAfterOldIDExits75() async throws {
    let (published, result) = try await withChatServerProcess(arguments: ["--history-size", "2"]) { _, port in
      let published = try await Self.publish(4, to: "old", port: port)
      return (published, try await runChatClient(["listen", "--target", "127.0.0.1:\(port)", "--room", "old", "--after", published[0].id]))
    }
    #expect(result.status == .exited(75))
    #expect(result.standardOutput.isEmpty)
    #expect(
      result.standardError
        == "chat-client: OUT_OF_RANGE: after_id \(published[0].id) is not in the room's retained history: "
        + "the oldest id room \"old\" retains is \(published[2].id); subscribe with \"0\" for the oldest\n")
  }

  @Test("listen --after a malformed id exits 67 with one INVALID_ARGUMENT line")
  func listenAfterMalformedIDExits67() async throws {
    let result = try await withChatServerProcess { _, port in
      try await runChatClient(["listen", "--target", "127.0.0.1:\(port)", "--after", "nope"])
    }
    #expect(result.status == .exited(67))
    #expect(
      result.standardError
        == "chat-client: INVALID_ARGUMENT: after_id \"nope\" is not an event id: use an id the server sent, \"0\" or \"\"\n")
  }

  @Test(
    "Without a server every subcommand exits 78 with one UNAVAILABLE line naming the address",
    arguments: [["send", "--user", "ada", "hi"], ["publish", "--user", "ada", "hi"], ["listen"]])
  func noServerExits78(command: [String]) async throws {
    let port = try await withChatServer { port in port }  // free once the server stopped
    let result = try await runChatClient(command + ["--target", "127.0.0.1:\(port)"])
    #expect(result.status == .exited(78))
    #expect(result.errorLines.count == 1)
    #expect(result.standardError.hasPrefix("chat-client: UNAVAILABLE: could not connect to 127.0.0.1:\(port)"), "\(result.standardError)")
  }

  @Test(
    "Bad listen and header arguments exit 64 with one line naming the rule",
    arguments: [
      (["listen", "--after", "1-1", "--from-oldest"], "--after and --from-oldest exclude each other"),
      (["listen", "--after", "0"], "--after needs an event id (use --from-oldest for the oldest message)"),
      (["listen", "-H", "novalue"], "-H \"novalue\" is not 'name: value'"),
      (
        ["publish", "--user", "ada", "-H", "chat-room: x", "hi"],
        "-H \"chat-room: x\": the name must be lowercase a-z 0-9 - _ . and not grpc-* or chat-room (use --room)"
      ),
    ])
  func badArgumentsExit64(arguments: [String], rule: String) async throws {
    let result = try await runChatClient(arguments + ["--target", "127.0.0.1:1"])
    #expect(result.status == .exited(64))
    #expect(result.standardOutput.isEmpty)
    #expect(result.standardError == "chat-client: error: \(rule)\n")
  }

  @Test("--help lists the exit codes")
  func helpListsExitCodes() async throws {
    let result = try await runChatClient(["--help"])
    #expect(result.status == .exited(0))
    let help = result.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    for code in ["64 + the gRPC status code", "67 INVALID_ARGUMENT", "75 OUT_OF_RANGE", "78 UNAVAILABLE", "64 for bad arguments"] {
      #expect(help.contains(code), "\(code) missing from: \(help)")
    }
  }

  /// Publishes `m1` ... `m<count>` as ada to `room` with the SDK; returns them as stored.
  private static func publish(_ count: Int, to room: String, port: Int) async throws -> [Chat_V1_RoomEvent] {
    try await withClient(port: port) { client in
      var events: [Chat_V1_RoomEvent] = []
      for index in 1 ... count { events.append(try await client.publish("m\(index)", as: "ada", room: room, timeout: .seconds(10))) }
      return events
    }
  }

  /// A `listen` line as the event it prints.
  private static func event(_ line: String) throws -> Chat_V1_RoomEvent {
    let parsed = try chatLine(line)
    return Chat_V1_RoomEvent(
      id: parsed.id ?? "", message: ChatMessage(user: parsed.user, message: parsed.message, timestamp: parsed.timestamp))
  }
}
