import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

@Suite("chat-client executable", .serialized)
struct ChatClientProcessTests {
  @Test("send prints the stamped echo as one JSON line and exits 0")
  func sendPrintsEcho() async throws {
    let result = try await withChatServerProcess { _, port in
      try await runChatClient([
        "send", "--target", "127.0.0.1:\(port)", "--room", "ops", "--user", "ada", "hi \"there\"",
      ])
    }
    #expect(result.status == .exited(0), "\(result.standardError)")
    #expect(result.standardError.isEmpty)
    try #require(result.outputLines.count == 1, "\(result.standardOutput)")
    let echo = try chatLine(result.outputLines[0])
    #expect(echo.user == "ada")
    #expect(echo.message == "hi \"there\"")
    #expect(echo.timestamp > 1_600_000_000_000)
  }

  @Test("listen --count 2 prints two messages sent by others, in order, with their ids, and exits 0")
  func listenPrintsMessagesOfOthers() async throws {
    let (listened, sent) = try await withChatServerProcess { server, port in
      let target = "127.0.0.1:\(port)"
      async let listened = runChatClient([
        "listen", "--target", target, "--room", "news", "--count", "2",
      ])
      try await server.waitForSubscribers(1, joining: "news")
      var sent: [CommandResult] = []
      for (user, text) in [("ada", "first"), ("bob", "second")] {
        sent.append(
          try await runChatClient([
            "send", "--target", target, "--room", "news", "--user", user, text,
          ])
        )
      }
      return (try await listened, sent)
    }
    #expect(sent.map(\.status) == [.exited(0), .exited(0)])
    #expect(listened.status == .exited(0), "\(listened.standardError)")
    let lines = try listened.outputLines.map(chatLine)
    #expect(lines.map { "\($0.user): \($0.message)" } == ["ada: first", "bob: second"])
    #expect(lines.allSatisfy { $0.id != nil })
    #expect(Set(lines.map(\.id)).count == 2)
    #expect(
      lines.map(\.timestamp) == sent.compactMap { try? chatLine($0.standardOutput).timestamp }
    )
  }

  @Test("A closed port fails with one line naming UNAVAILABLE and the address, exit 78")
  func closedPortFails() async throws {
    let port = try await withChatServer { port in port }  // free once the server stopped
    let result = try await runChatClient([
      "send", "--target", "127.0.0.1:\(port)", "--user", "ada", "hi",
    ])
    #expect(result.status == .exited(78))
    #expect(result.standardOutput.isEmpty)
    #expect(result.errorLines.count == 1, "\(result.standardError)")
    #expect(
      result.standardError.hasPrefix(
        "chat-client: UNAVAILABLE: could not connect to 127.0.0.1:\(port)"
      )
    )
  }

  @Test(
    "An invalid room fails with one INVALID_ARGUMENT line naming where the room came from, exit 67",
    arguments: [
      (["send", "--user", "ada", "hi"], "chat-room"), (["chat", "--user", "ada"], "chat-room"),
      (["listen"], "room"), (["publish", "--user", "ada", "hi"], "room"),
    ]
  )
  func invalidRoomFails(command: [String], source: String) async throws {
    let result = try await withChatServerProcess { _, port in
      try await runChatClient(command + ["--target", "127.0.0.1:\(port)", "--room", "no/slashes"])
    }
    #expect(result.status == .exited(67))
    #expect(result.standardOutput.isEmpty)
    #expect(
      result.standardError == "chat-client: INVALID_ARGUMENT: \(source) \"no/slashes\" is invalid: "
        + "it must be 1-64 characters of A-Z a-z 0-9 . _ -\n"
    )
  }

  @Test("A message over the limit fails with one INVALID_ARGUMENT line naming the limit")
  func oversizedMessageFails() async throws {
    let result = try await withChatServerProcess { _, port in
      try await runChatClient(
        [
          "send", "--target", "127.0.0.1:\(port)", "--user", "ada",
          String(repeating: "x", count: 4097),
        ])
    }
    #expect(result.status == .exited(67))
    #expect(
      result.standardError == "chat-client: INVALID_ARGUMENT: message is 4097 bytes; limit 4096\n"
    )
  }

  @Test("A user name over 64 bytes fails with one INVALID_ARGUMENT line")
  func oversizedUserFails() async throws {
    let result = try await withChatServerProcess { _, port in
      try await runChatClient(
        [
          "send", "--target", "127.0.0.1:\(port)", "--user", String(repeating: "u", count: 65),
          "hi",
        ])
    }
    #expect(result.status == .exited(67))
    #expect(result.standardError == "chat-client: INVALID_ARGUMENT: user is 65 bytes; limit 64\n")
  }

  @Test("send --timeout fails with one DEADLINE_EXCEEDED line when no echo comes")
  func sendTimesOut() async throws {
    let result = try await withServer(port: 0, services: [SilentChatService()]) { port in
      try await runChatClient([
        "send", "--target", "127.0.0.1:\(port)", "--user", "ada", "--timeout", "0.3", "hi",
      ])
    }
    #expect(result.status == .exited(68))
    #expect(result.errorLines.count == 1)
    #expect(
      result.standardError.hasPrefix("chat-client: DEADLINE_EXCEEDED: "),
      "\(result.standardError)"
    )
  }

  @Test(
    "Bad arguments fail with one line and exit 64",
    arguments: [
      (
        ["send", "--target", "127.0.0.1:1", "hi"],
        "chat-client: error: Missing expected argument '--user <user>'"
      ),
      (
        ["send", "--target", "nowhere", "--user", "ada", "hi"],
        "chat-client: error: --target: target \"nowhere\" is not HOST:PORT, [IPV6]:PORT, "
          + "dns:[//AUTHORITY/]HOST:PORT, ipv4:ADDR:PORT[,ADDR:PORT...], "
          + "ipv6:[ADDR]:PORT[,[ADDR]:PORT...] or unix:PATH, with a port in 1...65535"
      ),
      (
        ["listen", "--target", "127.0.0.1:1", "--count", "0"],
        "chat-client: error: --count 0 is not a positive number"
      ),
      (
        ["send", "--target", "127.0.0.1:1", "--user", "a", "--timeout", "0", "hi"],
        "chat-client: error: --timeout 0.0 is not a positive number of seconds"
      ),
    ]
  )
  func badArgumentsFail(arguments: [String], line: String) async throws {
    let result = try await runChatClient(arguments)
    #expect(result.status == .exited(64))
    #expect(result.standardOutput.isEmpty)
    #expect(result.standardError == line + "\n")
  }

  @Test("A new client run works after chat-server restarts on the same port")
  func worksAfterServerRestart() async throws {
    // chat-server exits when the port is taken, before logging "listening".
    let (port, before) = try await withRestartablePort(isTaken: {
      ($0 as? ExternalProcessError)?.code == .endOfOutput
    }) {
      port in
      try await withChatServerProcess(port: port) { _, port in
        (
          port,
          try await runChatClient([
            "send", "--target", "127.0.0.1:\(port)", "--user", "ada", "before",
          ])
        )
      }
    }
    let after = try await withChatServerProcess(port: port) { _, _ in
      try await runChatClient(["send", "--target", "127.0.0.1:\(port)", "--user", "ada", "after"])
    }
    #expect(before.status == .exited(0))
    #expect(after.status == .exited(0), "\(after.standardError)")
    #expect(try chatLine(after.standardOutput).message == "after")
  }

  @Test("Twenty listeners in one room all print a message sent to it")
  func manyListenersSeeOneMessage() async throws {
    let listeners = 20
    let (results, sent) = try await withChatServerProcess { server, port in
      let target = "127.0.0.1:\(port)"
      return try await withThrowingTaskGroup(of: CommandResult.self) { group in
        for _ in 0 ..< listeners {
          group.addTask {
            try await runChatClient([
              "listen", "--target", target, "--room", "crowd", "--count", "1",
            ])
          }
        }
        try await server.waitForSubscribers(listeners, joining: "crowd")
        let sent = try await runChatClient([
          "send", "--target", target, "--room", "crowd", "--user", "ada", "all",
        ])
        var results: [CommandResult] = []
        for try await result in group { results.append(result) }
        return (results, sent)
      }
    }
    #expect(sent.status == .exited(0))
    #expect(results.count == listeners)
    let echo = try chatLine(sent.standardOutput)
    var ids: Set<String?> = []
    for result in results {
      #expect(result.status == .exited(0), "\(result.standardError)")
      let line = try chatLine(result.standardOutput)
      #expect([line.user, line.message, "\(line.timestamp)"] == [echo.user, echo.message, "\(echo.timestamp)"])
      ids.insert(line.id)
    }
    #expect(ids.count == 1 && ids.first! != nil)
  }

  @Test("chat sends input lines, prints the room's messages, and exits 0 at end of input")
  func chatSendsLinesAndPrintsRoom() async throws {
    let (lines, status) = try await withChatServerProcess { server, port in
      let target = "127.0.0.1:\(port)"
      let chat = try ExternalProcess(
        executable: try builtProduct("chat-client"),
        arguments: ["chat", "--target", target, "--room", "talk", "--user", "ada"]
      )
      return try await withExternalProcess(chat) { chat in
        try await server.waitForMembers(1, joining: "talk")
        try chat.writeToStandardInput("hello\n\n")
        var lines = [try #require(try await chat.nextLine())]
        _ = try await runChatClient([
          "send", "--target", target, "--room", "talk", "--user", "bob", "hi ada",
        ])
        lines.append(try #require(try await chat.nextLine()))
        try chat.writeToStandardInput("bye\n")
        lines.append(try #require(try await chat.nextLine()))
        chat.closeStandardInput()
        #expect(try await chat.nextLine() == nil)
        return (lines, try await chat.waitForExit())
      }
    }
    #expect(
      try lines.map(chatLine).map { "\($0.user): \($0.message)" } == [
        "ada: hello", "bob: hi ada", "ada: bye",
      ]
    )
    #expect(status == .exited(0))
  }

  @Test("listen ends with one UNAVAILABLE line, exit 78, when chat-server shuts down")
  func listenReportsShutdown() async throws {
    let result = try await withChatServerProcess(arguments: ["--grace-period", "0.2"]) {
      server,
      port in
      async let listened = runChatClient([
        "listen", "--target", "127.0.0.1:\(port)", "--room", "closing",
      ])
      try await server.waitForSubscribers(1, joining: "closing")
      server.terminate()
      return try await listened
    }
    #expect(result.status == .exited(78))
    #expect(result.errorLines.count == 1)
    // "the server is shutting down" when the status arrives before the connection closes,
    // "the connection to the server closed" otherwise: both UNAVAILABLE.
    #expect(result.standardError.hasPrefix("chat-client: UNAVAILABLE: "), "\(result.standardError)")
  }
}
