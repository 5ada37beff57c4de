import NIOSSL

extension ClientTLSConfiguration {
  /// Checks what can be checked without reading files.
  ///
  /// - Throws: ``TLSConfigurationError`` when only one of certificate and key is set.
  func validate() throws(TLSConfigurationError) {
    switch (self.certificateChainPath, self.privateKeyPath) {
    case (nil, nil), (.some, .some): return
    case (.some(let path), nil):
      throw TLSConfigurationError(code: .privateKey, "TLS client certificate \(path) has no private key; set privateKeyPath too")
    case (nil, .some(let path)):
      throw TLSConfigurationError(code: .certificateChain, "TLS client private key \(path) has no certificate; set certificateChainPath too")
    }
  }

  /// Reads the files and makes a client context: TLS 1.2 or later, ALPN `h2`, the server's
  /// certificate verified against the trust roots (the system's when none are set), and the
  /// client certificate when one is set. Reads files: call it off the event loop.
  ///
  /// - Throws: ``TLSConfigurationError`` naming the file at fault.
  func makeContext() throws(TLSConfigurationError) -> NIOSSLContext {
    try self.validate()
    let files = try TLSIdentityFiles.read(
      certificateChainPath: self.certificateChainPath,
      privateKeyPath: self.privateKeyPath,
      trustRootsPath: self.trustRootsPath,
      trustRootsRole: "TLS trust roots")
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.minimumTLSVersion = .tlsv12
    tls.applicationProtocols = ["h2"]
    tls.certificateVerification = .fullVerification
    if let path = self.trustRootsPath, let bytes = files.trustRoots {
      tls.trustRoots = .certificates(try TLSIdentityFiles.certificates(bytes, role: "TLS trust roots", path: path))
    } else {
      tls.trustRoots = .default
    }
    if let chainPath = self.certificateChainPath, let chain = files.certificateChain,
      let keyPath = self.privateKeyPath, let key = files.privateKey
    {
      tls.certificateChain = try TLSIdentityFiles.certificates(chain, role: "TLS certificate chain", path: chainPath)
        .map { .certificate($0) }
      tls.privateKey = .privateKey(try TLSIdentityFiles.privateKey(key, path: keyPath))
    }
    return try TLSIdentityFiles.makeContext(
      tls, certificateChainPath: self.certificateChainPath, privateKeyPath: self.privateKeyPath)
  }
}
