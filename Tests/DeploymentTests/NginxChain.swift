import Foundation
import GRPCTestSupport

/// The seed's deployment chain on loopback, built from the committed configs of `k8s/`:
/// gRPC client → Nginx L7 (`nginx-l7.conf`: TLS, HTTP/2, `grpc_pass`) → Nginx L4
/// (`nginx-l4.conf`: `stream` passthrough) → `chat-server`.
///
/// Each Nginx runs as the current user in the foreground with its own prefix, pid file and
/// configuration in a temporary folder
/// (`nginx -p DIR -c FILE -e stderr -g 'daemon off; pid …;'`), on free ports; the TLS
/// certificate is a fresh self-signed one. Only the values named in the configs' header comments
/// are rewritten.
struct NginxChain: Sendable {
  /// The running `chat-server`.
  var server: ExternalProcess
  /// Its port on 127.0.0.1, behind both hops.
  var serverPort: Int
  /// Where gRPC clients connect: the L7 hop, `127.0.0.1:PORT`, TLS.
  var address: String
  /// The L7 hop's self-signed certificate (PEM), for clients that verify it (name `localhost`).
  var certificate: String

  /// Runs `body` with the chain running, then stops everything and removes the folder.
  ///
  /// - Parameters:
  ///   - serverArguments: More `chat-server` flags (`--redis-url`, `--heartbeat-interval`).
  ///   - l7Replacements: More values of `nginx-l7.conf` to rewrite (each must be in the file).
  ///   - body: The test.
  static func run<Result: Sendable>(
    serverArguments: [String] = [],
    l7Replacements: [(value: String, replacement: String)] = [],
    _ body: (NginxChain) async throws -> Result
  ) async throws -> Result {
    let nginx = try RequiredTool.nginx.path()
    try RequiredTool.requireNginxStreamModule()
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("nginx-chain-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await Self.makeCertificate(in: directory)

    let chatServer = try ExternalProcess(
      executable: try RepositoryLayout.chatServerBinary(),
      arguments: ["--host", "127.0.0.1", "--port", "0", "--grace-period", "1"] + serverArguments
    )
    return try await withExternalProcess(chatServer) { server in
      let serverPort = try await server.waitForListeningPort()
      let ports = try LoopbackPorts.free(2)
      let (l4Port, l7Port) = (ports[0], ports[1])
      let l4Config = try ConfigTemplate.render(
        "nginx-l4.conf",
        replacing: [
          ("listen 50052", "listen 127.0.0.1:\(l4Port)"),
          ("server 127.0.0.1:50051", "server 127.0.0.1:\(serverPort)"),
        ],
        into: directory
      )
      let l7Config = try ConfigTemplate.render(
        "nginx-l7.conf",
        replacing: [
          ("listen 8443", "listen 127.0.0.1:\(l7Port)"),
          ("/etc/nginx/tls/", directory.path + "/"),
          ("server 127.0.0.1:50051", "server 127.0.0.1:\(l4Port)"),
        ] + l7Replacements,
        into: directory
      )
      let l4 = try Self.startNginx(nginx, config: l4Config, name: "l4", in: directory)
      return try await withExternalProcess(l4) { l4 in
        try await Self.waitUntilStarted(l4)
        let l7 = try Self.startNginx(nginx, config: l7Config, name: "l7", in: directory)
        return try await withExternalProcess(l7) { l7 in
          try await Self.waitUntilStarted(l7)
          return try await body(
            NginxChain(
              server: server,
              serverPort: serverPort,
              address: "127.0.0.1:\(l7Port)",
              certificate: directory.appendingPathComponent("tls.crt").path
            )
          )
        }
      }
    }
  }

  /// `tls.crt` and `tls.key` in `directory`: a self-signed certificate for 127.0.0.1.
  private static func makeCertificate(in directory: URL) async throws {
    let result = try await CommandResult.run(
      .openssl,
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", directory.appendingPathComponent("tls.key").path,
        "-out", directory.appendingPathComponent("tls.crt").path,
      ]
    )
    guard result.succeeded else {
      throw DeploymentTestError("cannot make a certificate: \(result)")
    }
  }

  /// Starts nginx in the foreground with its error log merged into standard output, where
  /// ``waitUntilStarted(_:)`` reads it.
  private static func startNginx(
    _ nginx: String,
    config: String,
    name: String,
    in directory: URL
  ) throws -> ExternalProcess {
    let pid = directory.appendingPathComponent("\(name).pid").path
    return try ExternalProcess(
      executable: "/bin/sh",
      arguments: [
        "-c", "exec \"$0\" \"$@\" 2>&1",
        nginx, "-p", directory.path + "/", "-c", config, "-e", "stderr",
        "-g", "daemon off; pid \(pid);",
      ]
    )
  }

  /// Waits for the master's "start worker processes" notice, which it logs once its listening
  /// sockets are open; fails with everything nginx printed if it stops or logs an emergency.
  private static func waitUntilStarted(_ nginx: ExternalProcess) async throws {
    let deadline = ContinuousClock.now.advanced(by: .seconds(15))
    var printed: [String] = []
    while let line = try await nginx.nextLine(timeout: deadline - ContinuousClock.now) {
      printed.append(line)
      if line.contains("start worker processes") { return }
      if line.contains("[emerg]") || line.contains("[alert]") { break }
    }
    throw DeploymentTestError(
      "\(nginx.commandLine) did not start:\n\(printed.joined(separator: "\n"))"
    )
  }
}
