#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the PEM files that TLS is configured with, with errors that name the file.
enum PEMFile {
  /// Files larger than this are refused: a PEM bundle of a few hundred CA certificates is ~250 KiB.
  static let maximumSize = 4 << 20

  /// Returns the bytes of the file at `path`.
  ///
  /// - Parameters:
  ///   - path: The file.
  ///   - role: What the file is for, for messages: `TLS certificate chain`.
  ///   - code: The errors' code.
  /// - Throws: ``TLSConfigurationError`` naming the file and the system error.
  static func read(_ path: String, role: String, code: TLSConfigurationError.Code) throws(TLSConfigurationError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw Self.error(role, path, errno, code) }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16 << 10)
    while true {
      let count = chunk.withUnsafeMutableBytes { readBytes(descriptor, $0.baseAddress, $0.count) }
      if count == 0 { break }
      if count < 0 {
        if errno == EINTR { continue }
        throw Self.error(role, path, errno, code)
      }
      bytes.append(contentsOf: chunk[0..<count])
      guard bytes.count <= Self.maximumSize else {
        throw TLSConfigurationError(code: code, "\(role) \(path): the file is larger than \(Self.maximumSize) bytes")
      }
    }
    guard !bytes.isEmpty else { throw TLSConfigurationError(code: code, "\(role) \(path): the file is empty") }
    return bytes
  }

  private static func error(
    _ role: String, _ path: String, _ number: Int32, _ code: TLSConfigurationError.Code
  ) -> TLSConfigurationError {
    TLSConfigurationError(code: code, "\(role) \(path): \(String(cString: strerror(number)))")
  }
}

/// `read(2)`; a file-level name because `PEMFile.read` hides the system's inside the type.
private func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
  read(descriptor, buffer, count)
}
