import Foundation

/// A throw-away PKI for TLS tests, made with the `openssl` command in a temporary directory:
///
/// - `ca.pem`: the test CA; `server.pem`/`server.key` (serial 0x1001) and `server2.pem`/
///   `server2.key` (serial 0x1002) are signed by it for `CN=localhost` with the subject
///   alternative names `IP:127.0.0.1` and `DNS:localhost`; `dns-server.pem`/`dns-server.key`
///   (serial 0x1003) names only `DNS:localhost`, for host name checks;
/// - `client.pem`/`client.key`: a client certificate signed by the CA, subject
///   ``clientSubject``, alternative names `DNS:client.test` and `URI:spiffe://test/chat-client`;
/// - `other-ca.pem`, and `other-server.pem`/`other-server.key` and `other-client.pem`/
///   `other-client.key` signed by that unrelated CA (same names as the trusted ones).
///
/// Keys are P-256 (fast to make); certificates are valid for two days.
///
/// ```swift
/// let pki = try TestCertificates.shared()
/// var tls = ServerTLSConfiguration(certificateChainPath: pki.path("server.pem"), privateKeyPath: pki.path("server.key"))
/// ```
public struct TestCertificates: Sendable {
  /// The directory that holds the files.
  public let directory: String

  /// The client certificate's subject, as RFC 4514 prints it.
  public static let clientSubject = "CN=chat-client,OU=Bots,O=GRPCKit Tests"

  /// The path of `file` in ``directory``.
  public func path(_ file: String) -> String {
    (self.directory as NSString).appendingPathComponent(file)
  }

  private static let made: Result<TestCertificates, TestCertificatesError> = Result {
    () throws(TestCertificatesError) -> TestCertificates in
    try TestCertificates.make()
  }

  /// One set per test process, made on first use.
  ///
  /// - Throws: ``TestCertificatesError`` when `openssl` fails.
  public static func shared() throws(TestCertificatesError) -> TestCertificates {
    try Self.made.get()
  }

  /// A new empty temporary directory, for tests that write certificate files (reloads).
  ///
  /// - Throws: When it cannot be created.
  public static func makeTemporaryDirectory() throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("grpckit-tls-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// Copies `file` of this set to `destination`, replacing what is there in one rename, as
  /// Kubernetes swaps a Secret's files.
  ///
  /// - Throws: When the copy fails.
  public func install(_ file: String, at destination: String) throws {
    let staging = destination + ".staging-\(UUID().uuidString)"
    try FileManager.default.copyItem(atPath: self.path(file), toPath: staging)
    guard rename(staging, destination) == 0 else {
      throw TestCertificatesError(message: "rename \(staging) to \(destination) failed: errno \(errno)")
    }
  }

  /// Makes a new set of files in a new temporary directory.
  ///
  /// - Throws: ``TestCertificatesError`` naming the `openssl` command that failed.
  public static func make() throws(TestCertificatesError) -> TestCertificates {
    let directory: String
    do {
      directory = try Self.makeTemporaryDirectory()
    } catch {
      throw TestCertificatesError(message: "cannot create a temporary directory: \(error)")
    }
    let set = TestCertificates(directory: directory)
    try set.write("server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    try set.write("dns-server.ext", "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    try set.write("client.ext", "subjectAltName=DNS:client.test,URI:spiffe://test/chat-client\nextendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n")
    for ca in ["ca", "other-ca"] {
      try set.openssl([
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "\(ca).key", "-out", "\(ca).pem", "-days", "2", "-subj", "/O=GRPCKit Tests/CN=\(ca)",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
      ])
    }
    try set.issue("server", by: "ca", serial: "0x1001", subject: "/O=GRPCKit Tests/CN=localhost", extensions: "server.ext")
    try set.issue("server2", by: "ca", serial: "0x1002", subject: "/O=GRPCKit Tests/CN=localhost", extensions: "server.ext")
    try set.issue(
      "dns-server", by: "ca", serial: "0x1003", subject: "/O=GRPCKit Tests/CN=localhost", extensions: "dns-server.ext")
    try set.issue(
      "client", by: "ca", serial: "0x2001", subject: "/O=GRPCKit Tests/OU=Bots/CN=chat-client", extensions: "client.ext")
    try set.issue(
      "other-server", by: "other-ca", serial: "0x3001", subject: "/O=GRPCKit Tests/CN=localhost", extensions: "server.ext")
    try set.issue(
      "other-client", by: "other-ca", serial: "0x3002", subject: "/O=GRPCKit Tests/OU=Bots/CN=chat-client",
      extensions: "client.ext")
    return set
  }

  private func issue(_ name: String, by ca: String, serial: String, subject: String, extensions: String)
    throws(TestCertificatesError)
  {
    try self.openssl([
      "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
      "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject,
    ])
    try self.openssl([
      "x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-set_serial", serial,
      "-days", "2", "-sha256", "-extfile", extensions, "-out", "\(name).pem",
    ])
  }

  private func write(_ file: String, _ text: String) throws(TestCertificatesError) {
    do {
      try text.write(toFile: self.path(file), atomically: true, encoding: .utf8)
    } catch {
      throw TestCertificatesError(message: "cannot write \(self.path(file)): \(error)")
    }
  }

  private func openssl(_ arguments: [String]) throws(TestCertificatesError) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl"] + arguments
    process.currentDirectoryURL = URL(fileURLWithPath: self.directory)
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw TestCertificatesError(message: "cannot run openssl: \(error)")
    }
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw TestCertificatesError(
        message: "openssl \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
    }
  }
}

/// Why the test certificates could not be made.
public struct TestCertificatesError: Error, CustomStringConvertible {
  /// The command or step that failed, and its output.
  public var message: String

  public var description: String { self.message }
}
