import ArgumentParser

/// `chat-scale`: scale measurements of a ChatService server seen from outside (run by
/// `scripts/scale.sh`, not by the tests): the server's resident memory read from
/// `/proc/PID/status` while this client opens, uses and closes many ChatStream calls.
///
/// ```
/// chat-scale streams --target 127.0.0.1:50051 --server-pid 4242 --streams 10000 --conns 100
/// chat-scale churn --target 127.0.0.1:50051 --server-pid 4242 --rate 1000 --duration 60
/// ```
///
/// Each subcommand prints a markdown section on standard output and, with `--json FILE`,
/// appends its figures to FILE as one JSON line.
@main
struct ChatScaleCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chat-scale",
    abstract: "ChatService scale measurements: idle streams and connection churn.",
    subcommands: [StreamsCommand.self, ChurnCommand.self]
  )
}

/// Flags both measurements take: where the server is and where the figures go.
struct ServerOptions: ParsableArguments {
  @Option(help: "The server, HOST:PORT.")
  var target: String

  @Option(help: "The server's process id, whose VmRSS is sampled from /proc.")
  var serverPID: Int32

  @Option(help: "A name for the server in the summary.")
  var serverName = "chat-server"

  @Option(help: "Event-loop threads of this client.")
  var threads = 2

  @Option(help: "Append the figures as one JSON line to this file.")
  var json: String?

  func validate() throws {
    _ = try self.endpoint()
    guard self.threads >= 1 else { throw ValidationError("--threads must be positive") }
    guard ServerMemory(pid: self.serverPID).sample() != nil else {
      throw ValidationError(
        "--server-pid \(self.serverPID): /proc/\(self.serverPID)/status has no VmRSS"
      )
    }
  }

  /// `--target` as host and port.
  func endpoint() throws -> (host: String, port: Int) {
    guard let colon = self.target.lastIndex(of: ":"),
      let port = Int(self.target[self.target.index(after: colon)...]), (1 ... 65535).contains(port)
    else { throw ValidationError("--target must be HOST:PORT, not \(self.target)") }
    return (String(self.target[..<colon]), port)
  }
}
