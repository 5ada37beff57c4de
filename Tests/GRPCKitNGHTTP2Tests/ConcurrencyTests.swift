import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

/// Releases its waiters once `count` tasks have arrived.
private actor Gate {
  private let count: Int
  private var arrived = 0
  private var waiters: [CheckedContinuation<Void, Never>] = []

  init(count: Int) { self.count = count }

  func arriveAndWait() async {
    self.arrived += 1
    if self.arrived == self.count {
      for waiter in self.waiters { waiter.resume() }
      self.waiters = []
      return
    }
    await withCheckedContinuation { self.waiters.append($0) }
  }
}

@Suite("Many streams and connections")
struct ConcurrencyTests {
  @Test("1,000 bidirectional streams are open at once on one connection")
  func thousandStreamsOnOneConnection() async throws {
    let streams = 1000
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let gate = Gate(count: streams)
        let completed = try await withThrowingTaskGroup(of: Bool.self) { group in
          for index in 0..<streams {
            group.addTask {
              try await echo.update { writer, responses in
                var iterator = responses.makeAsyncIterator()
                try await writer.write(Echo_EchoRequest(text: "first \(index)"))
                guard try await iterator.next()?.text == "first \(index)" else { return false }
                // Every stream holds its call open until all of them are open.
                await gate.arriveAndWait()
                try await writer.write(Echo_EchoRequest(text: "second \(index)"))
                guard try await iterator.next()?.text == "second \(index)" else { return false }
                writer.finish()
                return try await iterator.next() == nil
              }
            }
          }
          var completed = 0
          for try await ok in group where ok { completed += 1 }
          return completed
        }
        #expect(completed == streams)
      }
    }
  }

  @Test("100 connections each run calls of every kind concurrently")
  func hundredConnections() async throws {
    try await withTestServer { port in
      let succeeded = try await withThrowingTaskGroup(of: Bool.self) { group in
        for connection in 0..<100 {
          group.addTask {
            try await withEchoClient(port: port) { echo in
              let unary = try await echo.get(Echo_EchoRequest(text: "c\(connection)"))
              let collected = try await echo.collect { writer in
                try await writer.write(Echo_EchoRequest(text: "a"))
                try await writer.write(Echo_EchoRequest(text: "b"))
              }
              let words = try await echo.expand(Echo_EchoRequest(text: "x y")) { responses in
                var count = 0
                for try await _ in responses { count += 1 }
                return count
              }
              return unary.text == "c\(connection)" && collected.text == "a b" && words == 2
            }
          }
        }
        var succeeded = 0
        for try await ok in group where ok { succeeded += 1 }
        return succeeded
      }
      #expect(succeeded == 100)
    }
  }
}
