import ChatAPI
import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

@Suite("chat-server executable")
struct ChatServerProcessTests {
  @Test("chat-server logs its port first, serves ChatStream and exits 0 on SIGTERM")
  func serverRunsAndStopsOnSIGTERM() async throws {
    let process = Process()
    process.executableURL = try Self.chatServerBinary()
    process.arguments = ["--host", "127.0.0.1", "--port", "0"]
    let output = Pipe()
    process.standardOutput = output
    let exited = Self.exitStatus(of: process)
    try process.run()
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    let firstLine = try await Self.firstLine(of: output.fileHandleForReading)
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(firstLine.utf8)) as? [String: Any],
      "the first line is not a JSON object: \(firstLine)"
    )
    #expect(json["event"] as? String == "listening")
    let port = try #require(json["port"] as? Int, "no numeric port in \(firstLine)")

    let received = try await withChatClient(port: port) { client in
      try await exchange(
        client,
        options: joining("process"),
        [ChatMessage(user: "ada", message: "hi")]
      )
    }
    #expect(received.map(\.message) == ["hi"])
    #expect((received.first?.timestamp ?? 0) > 0)

    process.terminate()  // SIGTERM
    let (reason, status) = await exited.value
    #expect(reason == .exit)
    #expect(status == 0)
  }

  @Test(
    "On SIGTERM chat-server ends a listening call with UNAVAILABLE after the grace period and exits 0"
  )
  func sigtermEndsListenersAfterGrace() async throws {
    let process = Process()
    process.executableURL = try Self.chatServerBinary()
    process.arguments = ["--host", "127.0.0.1", "--port", "0", "--grace-period", "0.2"]
    let output = Pipe()
    process.standardOutput = output
    let exited = Self.exitStatus(of: process)
    try process.run()
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    let firstLine = try await Self.firstLine(of: output.fileHandleForReading)
    let json = try JSONSerialization.jsonObject(with: Data(firstLine.utf8)) as? [String: Any]
    let port = try #require(json?["port"] as? Int, "no numeric port in \(firstLine)")

    let error = try await withChatClient(port: port) { client in
      await #expect(throws: RPCError.self) {
        try await client.chatStream(options: joining("drain")) { writer, responses in
          var iterator = responses.makeAsyncIterator()
          try await writer.write(ChatMessage(user: "listener", message: "join"))
          _ = try await iterator.nextMessage()
          process.terminate()  // SIGTERM
          while try await iterator.next() != nil {}
        }
      }
    }
    #expect(error?.code == .unavailable)
    #expect(error?.message == "the server is shutting down")
    let (reason, status) = await exited.value
    #expect(reason == .exit)
    #expect(status == 0)
  }

  /// `chat-server` next to the test bundle (both are build products), or `$CHAT_SERVER_BINARY`.
  static func chatServerBinary() throws -> URL {
    URL(fileURLWithPath: try builtProduct("chat-server"))
  }

  /// The process's exit, observed from the moment it is launched.
  private static func exitStatus(
    of process: Process
  ) -> Task<(Process.TerminationReason, Int32), Never> {
    let (stream, continuation) = AsyncStream.makeStream(of: (Process.TerminationReason, Int32).self)
    process.terminationHandler = { process in
      continuation.yield((process.terminationReason, process.terminationStatus))
      continuation.finish()
    }
    return Task {
      for await status in stream { return status }
      return (.uncaughtSignal, -1)
    }
  }

  /// Reads up to the first newline on a Dispatch thread; fails after 30 seconds.
  private static func firstLine(of handle: FileHandle) async throws -> String {
    try await withThrowingTaskGroup(of: String.self) { group in
      group.addTask {
        await withCheckedContinuation { continuation in
          DispatchQueue.global().async {
            var bytes: [UInt8] = []
            while let byte = handle.readData(ofLength: 1).first, byte != UInt8(ascii: "\n") {
              bytes.append(byte)
            }
            continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
          }
        }
      }
      group.addTask {
        try await Task.sleep(for: .seconds(30))
        throw RPCError(
          code: .deadlineExceeded,
          message: "chat-server printed no line within 30 seconds"
        )
      }
      let line = try await group.next()!
      group.cancelAll()
      return line
    }
  }
}
