import NIOSSL

extension ServerTLSConfiguration {
  /// Reads this configuration's files.
  ///
  /// - Throws: ``TLSConfigurationError`` naming a file that cannot be read.
  func readFiles() throws(TLSConfigurationError) -> TLSIdentityFiles {
    try TLSIdentityFiles.read(
      certificateChainPath: self.certificateChainPath,
      privateKeyPath: self.privateKeyPath,
      trustRootsPath: self.clientCertificateAuthorityPath,
      trustRootsRole: "TLS client certificate authority")
  }

  /// A server context from `files`: TLS 1.2 or later (RFC 9113 section 9.2), ALPN `h2` only,
  /// and with a client CA, a client certificate that chains to it is required.
  ///
  /// - Throws: ``TLSConfigurationError`` naming the file at fault.
  func makeContext(from files: TLSIdentityFiles) throws(TLSConfigurationError) -> NIOSSLContext {
    let chain = try TLSIdentityFiles.certificates(
      files.certificateChain ?? [], role: "TLS certificate chain", path: self.certificateChainPath)
    let key = try TLSIdentityFiles.privateKey(files.privateKey ?? [], path: self.privateKeyPath)
    var tls = TLSConfiguration.makeServerConfiguration(
      certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    tls.minimumTLSVersion = .tlsv12
    tls.applicationProtocols = ["h2"]
    if let authorityPath = self.clientCertificateAuthorityPath {
      let authorities = try TLSIdentityFiles.certificates(
        files.trustRoots ?? [], role: "TLS client certificate authority", path: authorityPath)
      tls.trustRoots = .certificates(authorities)
      // Servers do not check client host names; the certificate must chain to the CA and is
      // required (SSL_VERIFY_FAIL_IF_NO_PEER_CERT).
      tls.certificateVerification = .noHostnameVerification
      tls.sendCANameList = true
    }
    return try TLSIdentityFiles.makeContext(
      tls, certificateChainPath: self.certificateChainPath, privateKeyPath: self.privateKeyPath)
  }
}

extension ServerTLSConfiguration {
  /// Reads the files and makes the TLS context as the server will, without listening: lets a
  /// command check its flags before it starts.
  ///
  /// - Throws: ``TLSConfigurationError`` naming the file and the problem.
  public func checkFiles() throws(TLSConfigurationError) {
    _ = try self.makeContext(from: try self.readFiles())
  }
}
