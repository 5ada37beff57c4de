import ArgumentParser
import GRPCKitNGHTTP2

/// `chat-server`'s TLS flags: a certificate and key turn TLS on, a client CA turns on mutual TLS.
struct TLSOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Serve TLS with this certificate chain (PEM, leaf first). Needs --tls-key.", valueName: "file"))
  var tlsCert: String?

  @Option(help: ArgumentHelp("The private key (PEM) of --tls-cert.", valueName: "file"))
  var tlsKey: String?

  @Option(
    help: ArgumentHelp(
      "Require client certificates signed by these CAs (PEM): mutual TLS. Needs --tls-cert and --tls-key.",
      valueName: "file"))
  var tlsClientCa: String?

  @Option(
    help: ArgumentHelp(
      "Seconds between checks of the TLS files for new contents (0 turns the check off; SIGHUP reloads at once).",
      valueName: "seconds"))
  var tlsReloadInterval = 60.0

  @Option(
    help: ArgumentHelp(
      "Also serve grpc.health.v1.Health, and nothing else, in cleartext on this port: for Kubernetes gRPC probes, which cannot speak TLS.",
      valueName: "port"))
  var healthPort: Int?

  func validate() throws {
    if let port = self.healthPort, !(1 ... 65535).contains(port) {
      throw ValidationError("--health-port \(port) is not in 1...65535")
    }
    switch (self.tlsCert, self.tlsKey) {
    case (.some, nil): throw ValidationError("--tls-cert needs --tls-key (the certificate's private key)")
    case (nil, .some): throw ValidationError("--tls-key needs --tls-cert (the certificate chain)")
    case (nil, nil):
      if self.tlsClientCa != nil { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
    case (.some, .some): break
    }
    guard self.tlsReloadInterval >= 0, self.tlsReloadInterval.isFinite else {
      throw ValidationError("--tls-reload-interval \(self.tlsReloadInterval) is not a number of seconds >= 0")
    }
    do {
      try self.configuration?.checkFiles()
    } catch {
      let flag =
        switch error.code {
        case .certificateAuthority: "--tls-client-ca"
        case .privateKey: "--tls-key"
        default: "--tls-cert"
        }
      throw ValidationError("\(flag): \(error.message)")
    }
  }

  /// The server's TLS settings; `nil` without --tls-cert.
  var configuration: ServerTLSConfiguration? {
    guard let certificate = self.tlsCert, let key = self.tlsKey else { return nil }
    var tls = ServerTLSConfiguration(
      certificateChainPath: certificate, privateKeyPath: key, clientCertificateAuthorityPath: self.tlsClientCa)
    tls.reloadInterval = self.tlsReloadInterval > 0 ? .milliseconds(Int64(self.tlsReloadInterval * 1000)) : nil
    return tls
  }

  /// `off`, `tls` or `mtls`, for the listening log line.
  var mode: String {
    guard self.configuration != nil else { return "off" }
    return self.tlsClientCa == nil ? "tls" : "mtls"
  }
}
