import Foundation

/// The lines of standard input, read on a thread of their own (reads block), without their
/// newlines. The sequence ends at the end of input.
struct StandardInputLines: AsyncSequence {
  typealias Element = String
  private let stream: AsyncStream<String>

  init() {
    let (stream, continuation) = AsyncStream.makeStream(of: String.self)
    self.stream = stream
    let reader = Thread {
      while let line = readLine(strippingNewline: true) { continuation.yield(line) }
      continuation.finish()
    }
    reader.start()
  }

  func makeAsyncIterator() -> AsyncStream<String>.AsyncIterator {
    self.stream.makeAsyncIterator()
  }
}
