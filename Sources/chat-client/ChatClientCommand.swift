import ArgumentParser
import ChatClient

/// `chat-client`: sends to and listens on a ChatService room from the command line.
///
/// Messages are printed as JSON lines on standard output. Every failure prints one line on
/// standard error, `chat-client: CODE: message` for a failed call (the code's name, for example
/// `UNAVAILABLE: could not connect to 127.0.0.1:50051: …`) or `chat-client: error: …` for bad
/// arguments, and exits non-zero (1 for a failed call, 64 for bad arguments).
@main
struct ChatClientCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chat-client",
    abstract: "Sends to and listens on a ChatService room.",
    discussion: """
      Messages are printed as JSON lines: {"message":"...","timestamp":N,"user":"..."}.
      A failure prints one line on standard error and exits 1 (64 for bad arguments).
      """,
    subcommands: [SendCommand.self, ListenCommand.self, ChatCommand.self]
  )

  /// Runs the chosen subcommand; turns every failure into one line on standard error.
  static func main() async {
    do {
      var command = try parseAsRoot()
      if var command = command as? any AsyncParsableCommand {
        try await command.run()
      } else {
        try command.run()
      }
    } catch let error as RPCError {
      OutputLine.writeError("\(error.code.name): \(error.message)")
      exit(withError: ExitCode.failure)
    } catch {
      let code = exitCode(for: error)
      // --help and ExitCode print what ArgumentParser prints.
      guard code != .success, !(error is ExitCode) else { exit(withError: error) }
      OutputLine.writeError("error: \(message(for: error))")
      exit(withError: code)
    }
  }
}
