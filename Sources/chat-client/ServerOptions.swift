import ArgumentParser
import ChatClient

/// The flags every subcommand shares: where the server is and which room to use.
struct ServerOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The server: host:port, [ipv6]:port, dns:///host:port, ipv4:addr:port[,...], ipv6:[addr]:port[,...] or unix:path.",
      valueName: "target"))
  var target: String

  @Option(help: "The room: 1 to 64 characters of A-Z a-z 0-9 . _ -")
  var room = "lobby"

  func validate() throws {
    do {
      _ = try ChatClient(target: self.target)
    } catch {
      throw ValidationError("--target: \(error.message)")
    }
  }

  /// A client of ``target``.
  func makeClient(connectTimeout: Duration = .seconds(10)) throws -> ChatClient {
    try ChatClient(target: self.target, connectTimeout: connectTimeout)
  }
}
