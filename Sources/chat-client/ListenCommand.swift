import ArgumentParser
import ChatClient

/// `chat-client listen`: prints the room's messages as JSON lines.
struct ListenCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "listen",
    abstract: "Prints each message of the room as one JSON line.",
    discussion:
      "Runs until the server ends the call, or with --count until N messages arrived (exit 0)."
  )

  @OptionGroup var server: ServerOptions

  @Option(help: "Exit 0 after this many messages.")
  var count: Int?

  func validate() throws {
    if let count = self.count, count < 1 {
      throw ValidationError("--count \(count) is not a positive number")
    }
  }

  func run() async throws {
    let client = try self.server.makeClient()
    defer { client.close() }
    let limit = self.count
    try await client.withRoom(self.server.room, user: "") { room in
      var printed = 0
      var messages = room.messages.makeAsyncIterator()
      while printed != limit, let message = try await messages.next() {
        OutputLine.write(message)
        printed += 1
      }
      // Leave, and let the server end the call with OK (messages already queued are dropped).
      room.leave()
      while try await messages.next() != nil {}
    }
  }
}
