import ArgumentParser
import ChatClient

/// `chat-client listen`: prints the room's messages, with their event ids, as JSON lines.
struct ListenCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "listen",
    abstract: "Prints each message of the room, with its event id, as one JSON line.",
    discussion: """
      Subscribes with chat.v1.RoomEvents/Subscribe: live messages, or with --after ID the \
      messages after an id printed before (so a script that restarts misses nothing the room \
      retains), or with --from-oldest every retained message first. An id the room no longer \
      retains fails with OUT_OF_RANGE (exit 75) naming the oldest one. Runs until the server \
      ends the stream, or with --count until N messages arrived (exit 0).
      """
  )

  @OptionGroup var server: ServerOptions

  @Option(help: "Exit 0 after this many messages.")
  var count: Int?

  @Option(help: ArgumentHelp("Start after this event id (from an earlier listen or publish).", valueName: "id"))
  var after: String?

  @Flag(help: "Start with the oldest message the room retains.")
  var fromOldest = false

  func validate() throws {
    if let count = self.count, count < 1 {
      throw ValidationError("--count \(count) is not a positive number")
    }
    if self.fromOldest && self.after != nil {
      throw ValidationError("--after and --from-oldest exclude each other")
    }
    if let after = self.after, after.isEmpty || after == "0" {
      throw ValidationError("--after needs an event id (use --from-oldest for the oldest message)")
    }
  }

  func run() async throws {
    let client = try self.server.makeClient()
    defer { client.close() }
    let limit = self.count
    let request = Chat_V1_SubscribeRequest(
      room: self.server.room, afterId: self.fromOldest ? "0" : self.after ?? "")
    try await client.roomEvents.subscribe(request, options: CallOptions(metadata: try self.server.metadata())) { responses in
      var printed = 0
      var iterator = responses.makeAsyncIterator()
      while printed != limit, let event = try await iterator.next() {
        guard let message = event.message, !event.id.isEmpty else { continue }  // a heartbeat
        OutputLine.write(message, id: event.id)
        printed += 1
      }
    }
  }
}
