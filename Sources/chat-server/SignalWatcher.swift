import Dispatch
import Foundation

/// Turns signals (SIGTERM and SIGINT, or SIGHUP for reloads) into an async sequence, with the default handlers ignored so the
/// process is not killed before it has shut down.
final class SignalWatcher {
  /// The signals as they arrive.
  let signals: AsyncStream<Int32>
  private let sources: [any DispatchSourceSignal]

  /// Starts watching `numbers`; the watch lasts as long as the watcher.
  init(_ numbers: [Int32] = [SIGTERM, SIGINT]) {
    let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
    let queue = DispatchQueue(label: "chat-server.signals")
    self.signals = stream
    self.sources = numbers.map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { continuation.yield(number) }
      source.resume()
      return source
    }
  }

  deinit {
    for source in self.sources { source.cancel() }
  }

  /// A signal's name, for example `SIGTERM`.
  static func name(of number: Int32) -> String {
    switch number {
    case SIGTERM: return "SIGTERM"
    case SIGINT: return "SIGINT"
    case SIGHUP: return "SIGHUP"
    default: return "signal \(number)"
    }
  }
}
