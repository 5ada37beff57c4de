import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

/// Interop with an independent implementation: Python grpcio, both directions.
@Suite("grpcio interop")
struct GRPCIOInteropTests {
  @Test("A grpcio client passes every check against the Swift server")
  func grpcioClientAgainstSwiftServer() async throws {
    try await withTestServer { port in
      try await withExternalProcess(
        try .python(script: "echo_client_checks.py", arguments: ["--target", "127.0.0.1:\(port)"])
      ) { process in
        var results: [String: Bool] = [:]
        var details: [String] = []
        while let line = try await process.nextLine(timeout: .seconds(60)) {
          guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let check = object["check"] as? String, let ok = object["ok"] as? Bool
          else { continue }
          results[check] = ok
          if !ok { details.append("\(check): \(object["detail"] ?? "")") }
        }
        let status = try await process.waitForExit(timeout: .seconds(30))
        #expect(details.isEmpty, "failed grpcio checks: \(details)")
        #expect(results.count >= 16, "checks reported: \(results.keys.sorted())")
        #expect(status == .exited(0), "stderr: \(process.standardErrorText)")
      }
    }
  }

  @Test("The Swift client makes calls of every kind against a grpcio server")
  func swiftClientAgainstGRPCIOServer() async throws {
    try await withExternalProcess(
      try .python(script: "echo_server.py", arguments: ["--port", "0", "--watch-parent"])
    ) { server in
      let port = try await server.waitForListeningPort()
      try await withEchoClient(port: port) { echo in
        // Unary with metadata both ways.
        var metadata: Metadata = ["x-echo-a": "1", "x-echo-b": "one"]
        metadata.add("x-echo-b", "two")
        metadata.add("x-echo-bin", binary: Array(0...255))
        let headers = try await echo.expand(Echo_EchoRequest(text: "solo"), options: CallOptions(metadata: metadata)) {
          responses in
          let headers = try await responses.headers()
          var texts: [String] = []
          for try await response in responses { texts.append(response.text) }
          #expect(texts == ["solo"])
          #expect(responses.trailers?.first("x-trailer") == "done")
          return headers
        }
        #expect(headers.first("x-echo-a") == "1")
        #expect(headers[stringValues: "x-echo-b"] == ["one", "two"])
        #expect(headers[binaryValues: "x-echo-bin"] == [Array(0...255)])

        let unary = try await echo.get(Echo_EchoRequest(text: "hi"))
        #expect(unary.text == "hi")

        let collected = try await echo.collect { writer in
          for word in ["x", "y", "z"] { try await writer.write(Echo_EchoRequest(text: word)) }
        }
        #expect(collected.text == "x y z")

        try await echo.update { writer, responses in
          var iterator = responses.makeAsyncIterator()
          for index in 0..<10 {
            try await writer.write(Echo_EchoRequest(text: "b\(index)"))
            let reply = try await iterator.next()
            #expect(reply?.text == "b\(index)")
          }
          writer.finish()
          let end = try await iterator.next()
          #expect(end == nil)
        }

        let large = [UInt8](repeating: 0xAB, count: 3 << 20)
        let echoed = try await echo.get(Echo_EchoRequest(payload: large))
        #expect(echoed.payload == large)
      }
    }
  }

  @Test("grpcio's status codes and messages reach the Swift client", arguments: Status.Code.allCodes.dropFirst())
  func statusFromGRPCIOServer(code: Status.Code) async throws {
    try await withExternalProcess(
      try .python(script: "echo_server.py", arguments: ["--port", "0", "--watch-parent"])
    ) { server in
      let port = try await server.waitForListeningPort()
      _ = try await withEchoClient(port: port) { echo in
        await #expect {
          _ = try await echo.get(Echo_EchoRequest(statusCode: Int32(code.rawValue), statusMessage: "why: 100% ✓"))
        } throws: { error in
          let error = error as? RPCError
          return error?.code == code && error?.message == "why: 100% ✓"
        }
      }
    }
  }

  @Test("The Swift client's deadline and cancellation work against grpcio")
  func deadlineAndCancelAgainstGRPCIO() async throws {
    try await withExternalProcess(
      try .python(script: "echo_server.py", arguments: ["--port", "0", "--watch-parent"])
    ) { server in
      let port = try await server.waitForListeningPort()
      try await withEchoClient(port: port) { echo in
        await #expect {
          _ = try await echo.get(Echo_EchoRequest(delayMs: 5000), options: CallOptions(timeout: .milliseconds(200)))
        } throws: { error in
          (error as? RPCError)?.code == .deadlineExceeded
        }
        let task = Task { try await echo.get(Echo_EchoRequest(delayMs: 5000)) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect {
          _ = try await task.value
        } throws: { error in
          (error as? RPCError)?.code == .cancelled
        }
        await #expect {
          _ = try await echo.get(Echo_EchoRequest(payload: [UInt8](repeating: 1, count: 5 << 20)))
        } throws: { error in
          (error as? RPCError)?.code == .resourceExhausted
        }
        let after = try await echo.get(Echo_EchoRequest(text: "still fine"))
        #expect(after.text == "still fine")
      }
    }
  }
}
