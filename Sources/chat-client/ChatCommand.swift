import ArgumentParser
import ChatClient

/// `chat-client chat`: sends standard input's lines, prints the room's messages.
struct ChatCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chat",
    abstract:
      "Sends each line of standard input; prints each message of the room as one JSON line.",
    discussion: "Empty lines are skipped. At the end of input it leaves the room and exits 0."
  )

  @OptionGroup var server: ServerOptions

  @Option(help: "The sender's name.")
  var user: String

  func run() async throws {
    let client = try self.server.makeClient()
    defer { client.close() }
    try await client.withRoom(self.server.room, user: self.user, metadata: try self.server.metadata()) { room in
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
          for try await message in room.messages { OutputLine.write(message) }
        }
        group.addTask {
          for await line in StandardInputLines() where !line.isEmpty {
            // A failed send means the call ended: the task above reports the server's status.
            do { try await room.send(line) } catch { return }
          }
          room.leave()
        }
        try await group.waitForAll()
      }
    }
  }
}
