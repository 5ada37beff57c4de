import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

@Suite("Echo over loopback: the four RPC kinds")
struct EchoRoundTripTests {
  @Test("Unary call returns the echo")
  func unary() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let reply = try await echo.get(Echo_EchoRequest(text: "hello"))
        #expect(reply.text == "hello")
      }
    }
  }

  @Test("Client streaming joins the texts after half-close")
  func clientStreaming() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let reply = try await echo.collect { writer in
          for word in ["a", "b", "c"] { try await writer.write(Echo_EchoRequest(text: word)) }
        }
        #expect(reply.text == "a b c")
      }
    }
  }

  @Test("Server streaming sends one message per word")
  func serverStreaming() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let words = try await echo.expand(Echo_EchoRequest(text: "one two three")) { responses in
          var words: [String] = []
          for try await response in responses { words.append(response.text) }
          return words
        }
        #expect(words == ["one", "two", "three"])
      }
    }
  }

  @Test("Bidirectional streaming answers each message in order, interleaved")
  func bidirectional() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        try await echo.update { writer, responses in
          var iterator = responses.makeAsyncIterator()
          for index in 0..<20 {
            try await writer.write(Echo_EchoRequest(text: "m\(index)"))
            let reply = try await iterator.next()
            #expect(reply?.text == "m\(index)")
          }
          writer.finish()
          let end = try await iterator.next()
          #expect(end == nil)
        }
      }
    }
  }

  @Test("Metadata: x-echo- headers come back, binary and repeated; trailers arrive")
  func metadataEcho() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        var metadata: Metadata = ["x-echo-a": "1", "x-echo-b": "first", "other": "no"]
        metadata.add("x-echo-b", "second")
        metadata.add("x-echo-data-bin", binary: Array(0...255))
        let (headers, trailers) = try await echo.expand(
          Echo_EchoRequest(text: "w"), options: CallOptions(metadata: metadata)
        ) { responses in
          let headers = try await responses.headers()
          for try await _ in responses {}
          return (headers, responses.trailers)
        }
        #expect(headers.first("x-echo-a") == "1")
        #expect(headers[stringValues: "x-echo-b"] == ["first", "second"])
        #expect(headers[binaryValues: "x-echo-data-bin"] == [Array(0...255)])
        #expect(headers.first("other") == nil)
        #expect(trailers?.first("x-trailer") == "done")
      }
    }
  }

  @Test("Large messages up to the 4 MiB limit round-trip intact")
  func largeMessage() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let payload = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let reply = try await echo.get(Echo_EchoRequest(payload: payload))
        #expect(reply.payload == payload)
      }
    }
  }
}
