import GRPCKit
import GRPCLocking
import Logging
import NIOSSL

/// The server's current TLS context: new connections take it, reloads replace it.
///
/// A context is immutable, and each connection keeps the one it was accepted with, so a reload
/// never disturbs open connections. File reads happen on the caller's thread (the `listen` task,
/// the reload caller, the polling task), never on an event loop.
final class ServerTLSContextStore: Sendable {
  let configuration: ServerTLSConfiguration

  private struct State {
    var context: NIOSSLContext?
    /// The files of the last load attempt, so that polling retries only after they change.
    var attempted: TLSIdentityFiles?
    var logger = Logger(label: "grpc.tls", factory: { _ in SwiftLogNoOpLogHandler() })
  }
  private let state = Mutex(State())

  init(configuration: ServerTLSConfiguration) {
    self.configuration = configuration
  }

  /// The context for a new connection; `nil` until ``load(logger:)`` succeeded.
  var current: NIOSSLContext? { self.state.withLock { $0.context } }

  /// Loads the files and makes them current; on failure the previous context stays.
  ///
  /// - Parameter logger: Where this and later reloads log; `nil` keeps the previous one.
  /// - Throws: ``TLSConfigurationError`` naming the file at fault.
  func load(logger: Logger? = nil) throws(TLSConfigurationError) {
    if let logger { self.state.withLock { $0.logger = logger } }
    let files: TLSIdentityFiles
    do {
      files = try self.configuration.readFiles()
    } catch {
      self.logFailure(error)
      throw error
    }
    try self.load(files)
  }

  /// Reloads when the files' contents differ from the last attempt. Returns whether it did.
  @discardableResult
  func reloadIfChanged() -> Bool {
    let files: TLSIdentityFiles
    do {
      files = try self.configuration.readFiles()
    } catch {
      // A file mid-rotation may be missing for a moment; the next poll tries again.
      self.logFailure(error)
      return false
    }
    guard self.state.withLock({ $0.attempted != files }) else { return false }
    do {
      try self.load(files)
      return true
    } catch {
      return false
    }
  }

  /// Polls the files every `interval` until the task is cancelled.
  func poll(every interval: Duration) async {
    while !Task.isCancelled {
      do {
        try await Task.sleep(for: interval)
      } catch {
        return
      }
      self.reloadIfChanged()
    }
  }

  private func load(_ files: TLSIdentityFiles) throws(TLSConfigurationError) {
    let context: NIOSSLContext
    do {
      context = try self.configuration.makeContext(from: files)
    } catch {
      self.state.withLock { $0.attempted = files }
      self.logFailure(error)
      throw error
    }
    let (logger, replaced) = self.state.withLock { state -> (Logger, Bool) in
      defer {
        state.context = context
        state.attempted = files
      }
      return (state.logger, state.context != nil)
    }
    logger.info(
      replaced ? "reloaded TLS certificate" : "loaded TLS certificate",
      metadata: Self.describe(files, path: self.configuration.certificateChainPath))
  }

  private func logFailure(_ error: TLSConfigurationError) {
    let (logger, serving) = self.state.withLock { ($0.logger, $0.context != nil) }
    logger.error(
      serving ? "TLS certificate reload failed; keeping the current certificate" : "TLS certificate load failed",
      metadata: ["grpc.tls.error": "\(error.message)"])
  }

  private static func describe(_ files: TLSIdentityFiles, path: String) -> Logger.Metadata {
    var metadata: Logger.Metadata = ["grpc.tls.certificate": "\(path)"]
    if let bytes = files.certificateChain, let leaf = try? NIOSSLCertificate.fromPEMBytes(bytes).first {
      metadata["grpc.tls.subject"] = "\(TransportSecurity.PeerCertificate(leaf).subject)"
      metadata["grpc.tls.serial"] = "\(leaf.serialNumber.map { Self.hex($0) }.joined())"
      metadata["grpc.tls.not_after"] = "\(leaf.notValidAfter)"
    }
    return metadata
  }

  private static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xf)]])
  }
}
