import GRPCKitNGHTTP2
import Logging
import UnixSignals

extension ChatServerCommand {
  /// Reloads the TLS certificate on every SIGHUP until the task is cancelled. The transport logs
  /// the outcome; a failed reload keeps the current certificate.
  static func reloadCertificatesOnSIGHUP(_ transport: NGHTTP2ServerTransport, logger: Logger) async
  {
    for await _ in await UnixSignalsSequence(trapping: .sighup) {
      logger.info("reloading the TLS certificate", metadata: ["signal": "SIGHUP"])
      do {
        try transport.reloadTLSCertificates()
      } catch {
        // Already logged by the transport, with the file at fault; the old certificate stays.
        continue
      }
    }
  }
}
