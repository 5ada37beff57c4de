import ArgumentParser
import Foundation
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

  @Option(
    name: [.customShort("H"), .long],
    help: ArgumentHelp(
      "Request metadata 'name: value' (repeatable), for example an authorization header for a proxy.",
      valueName: "name: value"))
  var header: [String] = []

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
    _ = try self.metadata()
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

  /// The `-H` headers as request metadata.
  ///
  /// - Throws: `ValidationError` naming a header that is not `name: value` with a valid name.
  func metadata() throws -> Metadata {
    var metadata = Metadata()
    for header in self.header {
      guard let colon = header.firstIndex(of: ":") else {
        throw ValidationError("-H \"\(header)\" is not 'name: value'")
      }
      let name = header[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
      let value = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      let validName = !name.isEmpty && name.utf8.allSatisfy { byte in
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
          || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
      }
      guard validName, !name.hasPrefix("grpc-"), name != "chat-room" else {
        throw ValidationError(
          "-H \"\(header)\": the name must be lowercase a-z 0-9 - _ . and not grpc-* or chat-room (use --room)")
      }
      if name.hasSuffix("-bin") {
        throw ValidationError("-H \"\(header)\": binary (-bin) headers are not supported")
      }
      metadata.add(name, value)
    }
    return metadata
  }

  /// A client of ``target``.
  func makeClient(connectTimeout: Duration = .seconds(10)) throws -> ChatClient {
    try ChatClient(target: self.target, connectTimeout: connectTimeout, tls: self.tlsConfiguration)
  }
}
