import ArgumentParser
import Foundation
import GRPCKitNGHTTP2

/// Where call handlers run: `--handlers`.
enum HandlerExecution: String, CaseIterable, ExpressibleByArgument {
  /// On their connection's I/O thread, with no thread hop.
  case eventLoop = "event-loop"
  /// On Swift's global concurrent executor.
  case concurrent

  /// The transport's setting.
  var transportSetting: NGHTTP2ServerConfiguration.HandlerExecution {
    switch self {
    case .eventLoop: return .eventLoop
    case .concurrent: return .globalExecutor
    }
  }
}

/// `chat-server`'s listening flags: the address, and how calls run.
struct ServerOptions: ParsableArguments {
  @Option(help: "The address to bind.")
  var host = "0.0.0.0"

  @Option(
    help:
      "The port to bind; 0 takes a free port. --port wins over $PORT. (default: $PORT, else 50051)"
  )
  var port: Int?

  @Option(
    help: ArgumentHelp(
      "Listen on this Unix domain socket instead of TCP (a stale socket file is removed first).",
      valueName: "path"
    )
  )
  var unixSocket: String?

  @Option(
    help: """
      Where call handlers run: event-loop (on their connection's I/O thread, no thread hop) or \
      concurrent (Swift's global executor).
      """
  )
  var handlers = HandlerExecution.eventLoop

  @Option(help: "The largest message text accepted, in bytes.")
  var maxMessageBytes = 4096

  @Option(help: "Messages a member may have waiting before it is ended as a slow consumer.")
  var queueLimit = 10_000

  @Option(help: "Bytes a member may have waiting before it is ended as a slow consumer.")
  var queueLimitBytes = 8 << 20

  func validate() throws {
    guard self.maxMessageBytes > 0, self.queueLimit > 0, self.queueLimitBytes > 0 else {
      throw ValidationError(
        "--max-message-bytes, --queue-limit and --queue-limit-bytes must be positive"
      )
    }
    _ = try self.resolvedPort()
  }

  /// `--port`, else `$PORT`, else 50051.
  func resolvedPort() throws -> Int {
    if let port = self.port {
      guard (0 ... 65535).contains(port) else {
        throw ValidationError("--port \(port) is not in 0...65535")
      }
      return port
    }
    guard let value = ProcessInfo.processInfo.environment["PORT"], !value.isEmpty else {
      return 50051
    }
    guard let port = Int(value), (0 ... 65535).contains(port) else {
      throw ValidationError("$PORT \"\(value)\" is not a port number in 0...65535")
    }
    return port
  }

  /// The address for messages: `unix:PATH` or `HOST:PORT`.
  func address(port: Int) -> String {
    self.unixSocket.map { "unix:\($0)" } ?? "\(self.host):\(port)"
  }
}
