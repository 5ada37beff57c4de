import ArgumentParser
import ChatClient
import GRPCKit

/// `chat-client`: sends to and listens on a ChatService room from the command line.
///
/// Messages are printed as JSON lines on standard output. Every failure prints one line on
/// standard error, `chat-client: CODE: message` for a failed call (the code's name, for example
/// `UNAVAILABLE: could not connect to 127.0.0.1:50051: …`) or `chat-client: error: …` for bad
/// arguments, and exits non-zero: 64 + the gRPC status code for a failed call (as grpcurl
/// does: 67 INVALID_ARGUMENT, 75 OUT_OF_RANGE, 78 UNAVAILABLE, …), 64 for bad arguments, 1 for
/// anything else.
@main
struct ChatClientCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chat-client",
    abstract: "Sends to and listens on a ChatService room.",
    discussion: """
      Messages are printed as JSON lines: {"message":"...","timestamp":N,"user":"..."}, plus
      "id" (the event id) from listen and publish.
      A failure prints one line on standard error and exits with a status-specific code:
        64 + the gRPC status code of a failed call, as grpcurl does: 65 CANCELLED,
        66 UNKNOWN, 67 INVALID_ARGUMENT, 68 DEADLINE_EXCEEDED, 69 NOT_FOUND,
        70 ALREADY_EXISTS, 71 PERMISSION_DENIED, 72 RESOURCE_EXHAUSTED,
        73 FAILED_PRECONDITION, 74 ABORTED, 75 OUT_OF_RANGE, 76 UNIMPLEMENTED,
        77 INTERNAL, 78 UNAVAILABLE, 79 DATA_LOSS, 80 UNAUTHENTICATED;
        64 for bad arguments; 1 for any other failure.
      """,
    version: ProjectVersion.current,
    subcommands: [SendCommand.self, PublishCommand.self, ListenCommand.self, ChatCommand.self]
  )

  /// The exit code of a call that failed with `code`: 64 + its number, as grpcurl exits.
  static func exitCode(for code: Status.Code) -> ExitCode {
    ExitCode(Int32(64 + code.rawValue))
  }

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
      exit(withError: Self.exitCode(for: error.code))
    } catch {
      let code = exitCode(for: error)
      // --help and ExitCode print what ArgumentParser prints.
      guard code != .success, !(error is ExitCode) else { exit(withError: error) }
      OutputLine.writeError("error: \(message(for: error))")
      exit(withError: code)
    }
  }
}
