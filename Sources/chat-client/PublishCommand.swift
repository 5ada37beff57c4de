import ArgumentParser
import ChatClient

/// `chat-client publish`: stores one message with `chat.v1.RoomEvents/Publish`, prints it.
struct PublishCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "publish",
    abstract: "Publishes one message (RoomEvents/Publish) and prints it as stored, with its id, as one JSON line.",
    discussion: """
      Does not join the room: the reply means the message is stored (with --redis-url on the \
      server: in Redis). Exits 0 once it is: fits a scheduled job (a Cloud Run Job).
      """
  )

  @OptionGroup var server: ServerOptions

  @Option(help: "The sender's name.")
  var user: String

  @Option(help: "Seconds the call may take, connecting included.")
  var timeout = 10.0

  @Argument(help: "The message text.")
  var text: String

  func validate() throws {
    guard self.timeout > 0, self.timeout.isFinite else {
      throw ValidationError("--timeout \(self.timeout) is not a positive number of seconds")
    }
  }

  func run() async throws {
    let timeout = Duration.milliseconds(Int64(self.timeout * 1000))
    let client = try self.server.makeClient(connectTimeout: min(timeout, .seconds(10)))
    defer { client.close() }
    let event = try await client.publish(
      self.text, as: self.user, room: self.server.room, timeout: timeout, metadata: try self.server.metadata())
    OutputLine.write(event.message ?? ChatMessage(), id: event.id)
  }
}
