import ArgumentParser
import ChatClient

/// The flags every subcommand shares: where the server is, which room to use, and TLS.
struct ServerOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The server: host:port, [ipv6]:port, dns:///host:port, ipv4:addr:port[,...], ipv6:[addr]:port[,...] or unix:path.",
      valueName: "target"))
  var target: String

  @Option(help: "The room: 1 to 64 characters of A-Z a-z 0-9 . _ -")
  var room = "lobby"

  @Flag(help: "Connect with TLS, trusting the system's CA certificates (implied by --ca and --cert).")
  var tls = false

  @Option(help: ArgumentHelp("Connect with TLS, trusting the CA certificates in this PEM file.", valueName: "file"))
  var ca: String?

  @Option(help: ArgumentHelp("A client certificate (PEM) for servers that require one (mutual TLS).", valueName: "file"))
  var cert: String?

  @Option(help: ArgumentHelp("The private key (PEM) of --cert.", valueName: "file"))
  var key: String?

  @Option(
    help: ArgumentHelp(
      "The DNS name the server's certificate must carry, instead of the target's host.", valueName: "name"))
  var serverName: String?

  func validate() throws {
    do {
      _ = try ChatClient(target: self.target)
    } catch {
      throw ValidationError("--target: \(error.message)")
    }
    switch (self.cert, self.key) {
    case (.some, nil): throw ValidationError("--cert needs --key (the certificate's private key)")
    case (nil, .some): throw ValidationError("--key needs --cert (the client certificate)")
    default: break
    }
    if self.serverName != nil && self.tlsConfiguration == nil {
      throw ValidationError("--server-name needs TLS (--tls, --ca or --cert)")
    }
  }

  /// TLS settings when any TLS flag is given; `nil` for cleartext.
  var tlsConfiguration: ClientTLSConfiguration? {
    guard self.tls || self.ca != nil || self.cert != nil else { return nil }
    return ClientTLSConfiguration(
      trustRootsPath: self.ca, certificateChainPath: self.cert, privateKeyPath: self.key,
      serverHostnameOverride: self.serverName)
  }

  /// A client of ``target``.
  func makeClient(connectTimeout: Duration = .seconds(10)) throws -> ChatClient {
    try ChatClient(target: self.target, connectTimeout: connectTimeout, tls: self.tlsConfiguration)
  }
}
