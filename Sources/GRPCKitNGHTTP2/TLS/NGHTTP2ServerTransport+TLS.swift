extension NGHTTP2ServerTransport {
  /// Reads the TLS certificate, key and client CA files again and uses them for new
  /// connections; open connections keep the certificate they were accepted with.
  ///
  /// `chat-server` calls this on SIGHUP. With ``ServerTLSConfiguration/reloadInterval`` set the
  /// transport also reloads by itself when the files change.
  ///
  /// - Throws: ``TLSConfigurationError`` naming the file at fault; the current certificate stays
  ///   in use. Also thrown when the transport has no TLS configuration.
  public func reloadTLSCertificates() throws(TLSConfigurationError) {
    guard let contexts = self.tlsContexts else {
      throw TLSConfigurationError("TLS is not configured on this server")
    }
    try contexts.load()
  }
}
