import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

@Suite("TLSConfigurationError.code names the file at fault")
struct TLSConfigurationErrorCodeTests {
  /// A server configuration of the shared test PKI with one file replaced.
  static func configuration(
    certificate: String = "server.pem",
    key: String = "server.key",
    clientCA: String? = nil
  ) throws -> ServerTLSConfiguration {
    let pki = try TestCertificates.shared()
    return ServerTLSConfiguration(
      certificateChainPath: pki.path(certificate),
      privateKeyPath: pki.path(key),
      clientCertificateAuthorityPath: clientCA.map { pki.path($0) }
    )
  }

  @Test(
    "Each broken file gives the code of its role",
    arguments: [
      (["certificate": "missing.pem"], TLSConfigurationError.Code.certificateChain),
      (["certificate": "server.key"], .certificateChain),
      (["key": "missing.key"], .privateKey),
      (["key": "ca.pem"], .privateKey),
      (["key": "client.key"], .privateKey),
      (["clientCA": "missing-ca.pem"], .certificateAuthority),
      (["clientCA": "server.key"], .certificateAuthority),
    ] as [([String: String], TLSConfigurationError.Code)]
  )
  func codeNamesTheFile(files: [String: String], code: TLSConfigurationError.Code) throws {
    let configuration = try Self.configuration(
      certificate: files["certificate"] ?? "server.pem",
      key: files["key"] ?? "server.key",
      clientCA: files["clientCA"]
    )
    let error = #expect(throws: TLSConfigurationError.self) { try configuration.checkFiles() }
    #expect(error?.code == code, "\(String(describing: error))")
  }

  @Test("The shared test PKI's server files pass")
  func validFilesPass() throws {
    try Self.configuration(clientCA: "ca.pem").checkFiles()
  }
}
