import NIOSSL

/// The parsed contents of the PEM files of one side of a TLS connection, and the NIOSSL
/// objects made from them. Every error names the file and the problem.
struct TLSIdentityFiles: Hashable, Sendable {
  /// The raw bytes, kept so that a reload can tell whether anything changed.
  var certificateChain: [UInt8]?
  var privateKey: [UInt8]?
  var trustRoots: [UInt8]?

  /// Reads the files; `nil` paths are skipped.
  ///
  /// - Throws: ``TLSConfigurationError`` when a file cannot be read.
  static func read(
    certificateChainPath: String?,
    privateKeyPath: String?,
    trustRootsPath: String?,
    trustRootsRole: String
  ) throws(TLSConfigurationError) -> TLSIdentityFiles {
    TLSIdentityFiles(
      certificateChain: try certificateChainPath.map { path throws(TLSConfigurationError) in
        try PEMFile.read(path, role: "TLS certificate chain", code: .certificateChain)
      },
      privateKey: try privateKeyPath.map { path throws(TLSConfigurationError) in
        try PEMFile.read(path, role: "TLS private key", code: .privateKey)
      },
      trustRoots: try trustRootsPath.map { path throws(TLSConfigurationError) in
        try PEMFile.read(path, role: trustRootsRole, code: .certificateAuthority)
      })
  }

  /// Parses PEM certificates.
  ///
  /// - Throws: ``TLSConfigurationError`` when there is none or one is malformed.
  static func certificates(_ bytes: [UInt8], role: String, path: String) throws(TLSConfigurationError) -> [NIOSSLCertificate] {
    let code: TLSConfigurationError.Code = role == "TLS certificate chain" ? .certificateChain : .certificateAuthority
    let certificates: [NIOSSLCertificate]
    do {
      certificates = try NIOSSLCertificate.fromPEMBytes(bytes)
    } catch {
      throw TLSConfigurationError(code: code, "\(role) \(path): not a valid PEM certificate (\(TLSErrorText.describe(error)))")
    }
    guard !certificates.isEmpty else {
      throw TLSConfigurationError(code: code, "\(role) \(path): no PEM certificate (-----BEGIN CERTIFICATE-----) in the file")
    }
    return certificates
  }

  /// Parses a PEM private key.
  ///
  /// - Throws: ``TLSConfigurationError`` when the file holds no usable key.
  static func privateKey(_ bytes: [UInt8], path: String) throws(TLSConfigurationError) -> NIOSSLPrivateKey {
    do {
      return try NIOSSLPrivateKey(bytes: bytes, format: .pem)
    } catch {
      throw TLSConfigurationError(
        code: .privateKey, "TLS private key \(path): no unencrypted PEM private key in the file (\(TLSErrorText.describe(error)))")
    }
  }

  /// Makes a context from `configuration`, mapping NIOSSL's errors to ones that name the files.
  ///
  /// - Throws: ``TLSConfigurationError``; a key that does not belong to the certificate is the
  ///   usual cause.
  static func makeContext(
    _ configuration: TLSConfiguration,
    certificateChainPath: String?,
    privateKeyPath: String?
  ) throws(TLSConfigurationError) -> NIOSSLContext {
    do {
      return try NIOSSLContext(configuration: configuration)
    } catch NIOSSLError.failedToLoadPrivateKey {
      throw TLSConfigurationError(
        code: .privateKey, "TLS private key \(privateKeyPath ?? ""): it does not match the certificate in \(certificateChainPath ?? "")")
    } catch {
      throw TLSConfigurationError("TLS configuration: \(TLSErrorText.describe(error))")
    }
  }
}
