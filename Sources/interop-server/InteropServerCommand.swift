import ArgumentParser
import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import InteropTesting
import Logging

/// `interop-server`: serves `grpc.testing.TestService` for the gRPC interop test cases, with
/// the flags every implementation's interop server takes. Its first line on standard output is
/// `{"event":"listening","port":N,...}`; SIGTERM or SIGINT stops it (exit 0).
@main
struct InteropServerCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "interop-server",
    abstract: "Serves grpc.testing.TestService for the gRPC interop test cases.",
    discussion: """
      With --use_tls it presents the interop test certificate (server1.pem, for \
      *.test.google.fr, signed by the test ca.pem). Boolean flags also take =true or =false. \
      The first line on standard output is {"event":"listening","port":N,...}; SIGTERM or \
      SIGINT stops the server and exits 0.
      """,
    version: ProjectVersion.current
  )

  static let booleanFlags: Set<String> = ["use_tls"]

  @Option(name: .customLong("port"), help: "The port to listen on; 0 takes a free port.")
  var port: Int

  @Flag(name: .customLong("use_tls"), help: "Serve TLS (ALPN h2) with the interop test certificate.")
  var useTLS = false

  @Option(name: .customLong("host"), help: "The address to bind.")
  var host = "0.0.0.0"

  @Option(name: .customLong("log_level"), help: "The lowest level logged on standard error.")
  var logLevel = "warning"

  static func main() async {
    await Self.main(InteropArguments.normalize(Array(CommandLine.arguments.dropFirst()), booleanFlags: Self.booleanFlags))
  }

  func validate() throws {
    guard (0 ... 65535).contains(self.port) else { throw ValidationError("--port \(self.port) is not in 0...65535") }
    guard Logger.Level(rawValue: self.logLevel) != nil else {
      throw ValidationError("--log_level \(self.logLevel) is not one of trace, debug, info, notice, warning, error, critical")
    }
  }

  func run() async throws {
    let level = Logger.Level(rawValue: self.logLevel) ?? .warning
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
    var configuration = NGHTTP2ServerConfiguration()
    configuration.shutdownGracePeriod = .seconds(1)
    if self.useTLS {
      configuration.tls = ServerTLSConfiguration(
        certificateChainPath: InteropCredentials.serverCertificatePath,
        privateKeyPath: InteropCredentials.serverKeyPath)
    }
    let transport = NGHTTP2ServerTransport(host: self.host, port: self.port, configuration: configuration)
    let server = GRPCServer(transport: transport, services: [InteropTestService()])
    let watcher = SignalWatcher()
    let signals = watcher.stream
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.serve() }
      let boundPort: Int
      do {
        boundPort = try await transport.listeningPort()
      } catch {
        let reason = String(describing: error).replacingOccurrences(of: "\"", with: "'")
        Self.printLine(#"{"event":"bind failed","address":"\#(self.host):\#(self.port)","error":"\#(reason)"}"#)
        throw ExitCode.failure
      }
      Self.printLine(#"{"event":"listening","port":\#(boundPort),"host":"\#(self.host)","tls":\#(self.useTLS)}"#)
      group.addTask {
        for await _ in signals { return }
      }
      try await group.next()  // a signal, or the transport stopped by itself
      server.beginGracefulShutdown()
      try await group.waitForAll()
    }
    withExtendedLifetime(watcher) {}  // the signal sources live until the server has stopped
  }

  /// Writes one line to standard output at once (unbuffered), for the process that waits for it.
  private static func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
  }
}
