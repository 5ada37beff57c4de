import Dispatch
import Foundation

/// SIGTERM and SIGINT as an async sequence, with their default handlers ignored so that the
/// server shuts down instead of being killed.
final class SignalWatcher {
  /// The signals as they arrive.
  let stream: AsyncStream<Int32>
  // Kept so that the sources keep delivering; cancelled when the watcher goes.
  private let sources: [any DispatchSourceSignal]

  init(_ numbers: [Int32] = [SIGTERM, SIGINT]) {
    let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
    let queue = DispatchQueue(label: "interop-server.signals")
    self.stream = stream
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
}
