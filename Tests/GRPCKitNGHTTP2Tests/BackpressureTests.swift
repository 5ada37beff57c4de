import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Synchronization
import Testing

/// Test-only service: a response flood and a request sink that count their progress.
private final class FloodProbe: RegistrableRPCService {
  static let flood = ProtobufMethodDescriptor(
    name: "Flood", serviceName: "probe.Probe", kind: .serverStreaming, inputType: "echo.EchoRequest",
    outputType: "echo.EchoResponse")
  static let drain = ProtobufMethodDescriptor(
    name: "Drain", serviceName: "probe.Probe", kind: .clientStreaming, inputType: "echo.EchoRequest",
    outputType: "echo.EchoResponse")

  let written = Atomic<Int>(0)
  let read = Atomic<Int>(0)
  let readerReleased = Atomic<Bool>(false)

  func registerMethods(with router: inout RPCRouter) {
    router.registerServerStreaming(Self.flood) {
      (request: Echo_EchoRequest, responses: ResponseWriter<Echo_EchoResponse>, _) in
      let payload = [UInt8](repeating: 7, count: 64 << 10)
      for _ in 0..<Int(request.delayMs) {
        try await responses.write(Echo_EchoResponse(payload: payload))
        self.written.add(1, ordering: .relaxed)
      }
    }
    router.registerClientStreaming(Self.drain) {
      (requests: RequestStream<Echo_EchoRequest>, _) -> Echo_EchoResponse in
      var count = 0
      for try await _ in requests {
        count += 1
        self.read.store(count, ordering: .relaxed)
        // A slow handler: it stops reading after the first message until released.
        while count == 1 && !self.readerReleased.load(ordering: .relaxed) {
          try await Task.sleep(for: .milliseconds(10))
        }
      }
      return Echo_EchoResponse(text: "\(count)")
    }
  }
}

private final class Counter: Sendable {
  let value = Atomic<Int>(0)
}

@Suite("Backpressure")
struct BackpressureTests {
  // 2,000 messages of 64 KiB = 125 MiB if nothing pushed back. Windows (1 MiB stream, 16 MiB
  // connection), the 64 KiB inbound queue, the 256 KiB outbound watermark and the kernel's
  // loopback socket buffers bound what can be in flight; 4 MiB is above that sum (about 19 messages here) and far
  // below the unbounded case.
  private static let messages = 2000
  private static let boundInMessages = 64

  @Test("A client that stops reading suspends the server's writer, then everything arrives")
  func slowClientSuspendsServerWriter() async throws {
    let probe = FloodProbe()
    try await withTestServer(services: [probe]) { port in
      try await withEchoClient(port: port) { echo in
        let received = try await echo.client.serverStreaming(
          FloodProbe.flood, request: Echo_EchoRequest(delayMs: Int32(Self.messages)),
          responseType: Echo_EchoResponse.self
        ) { responses in
          var iterator = responses.makeAsyncIterator()
          _ = try await iterator.next()
          // Stop reading; let the server write as much as it can.
          try await Task.sleep(for: .milliseconds(700))
          let writtenWhilePaused = probe.written.load(ordering: .relaxed)
          #expect(writtenWhilePaused < Self.boundInMessages)
          try await Task.sleep(for: .milliseconds(300))
          #expect(probe.written.load(ordering: .relaxed) == writtenWhilePaused)  // suspended, not slow
          var count = 1
          while let message = try await iterator.next() {
            #expect(message.payload.count == 64 << 10)
            count += 1
          }
          return count
        }
        #expect(received == Self.messages)
      }
    }
  }

  @Test("A handler that stops reading suspends the client's writer, then everything arrives")
  func slowHandlerSuspendsClientWriter() async throws {
    let probe = FloodProbe()
    try await withTestServer(services: [probe]) { port in
      try await withEchoClient(port: port) { echo in
        let written = Counter()
        let payload = [UInt8](repeating: 9, count: 64 << 10)
        let reply: Echo_EchoResponse = try await withThrowingTaskGroup(of: Echo_EchoResponse?.self) { group in
          group.addTask {
            try await echo.client.clientStreaming(FloodProbe.drain, responseType: Echo_EchoResponse.self) {
              (writer: RequestWriter<Echo_EchoRequest>) in
              for _ in 0..<Self.messages {
                try await writer.write(Echo_EchoRequest(payload: payload))
                written.value.add(1, ordering: .relaxed)
              }
            }
          }
          group.addTask {
            // Once the handler holds the first message, give the client time to fill every buffer.
            let start = ContinuousClock.now
            while probe.read.load(ordering: .relaxed) == 0 && ContinuousClock.now - start < .seconds(30) {
              try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(for: .milliseconds(700))
            let writtenWhilePaused = written.value.load(ordering: .relaxed)
          #expect(writtenWhilePaused < Self.boundInMessages)
            #expect(probe.read.load(ordering: .relaxed) == 1)
            probe.readerReleased.store(true, ordering: .relaxed)
            return nil
          }
          var reply: Echo_EchoResponse?
          for try await result in group { if let result { reply = result } }
          return reply!
        }
        #expect(reply.text == "\(Self.messages)")
      }
    }
  }
}
