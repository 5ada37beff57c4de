import ArgumentParser
import ChatClient

/// `chat-client send`: joins, sends one message, waits for its echo, prints it, exits 0.
struct SendCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "send",
    abstract: "Sends one message and prints the server's echo of it as one JSON line.",
    discussion: "Exits 0 once the echo arrived: fits a scheduled job (a Cloud Run Job)."
  )

  @OptionGroup var server: ServerOptions

  @Option(help: "The sender's name.")
  var user: String

  @Option(help: "Seconds the whole exchange may take, connecting included.")
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
    let echo = try await client.send(
      self.text,
      as: self.user,
      room: self.server.room,
      timeout: timeout,
      metadata: try self.server.metadata()
    )
    OutputLine.write(echo)
  }
}
