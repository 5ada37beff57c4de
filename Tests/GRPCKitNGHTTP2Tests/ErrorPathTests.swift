import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

@Suite("Error paths over loopback")
struct ErrorPathTests {
  @Test("Every status code and its message reach the client", arguments: Status.Code.allCodes.dropFirst())
  func statusCodes(code: Status.Code) async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let message = "failed: 100% ✓ \(code)"
        await #expect {
          _ = try await echo.get(
            Echo_EchoRequest(statusCode: Int32(code.rawValue), statusMessage: message))
        } throws: { error in
          let error = error as? RPCError
          return error?.code == code && error?.message == message
            && error?.metadata.first("x-trailer") == "done"
        }
      }
    }
  }

  @Test("An unknown method is UNIMPLEMENTED and names the method")
  func unknownMethod() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let method = ProtobufMethodDescriptor(
          name: "Nope", serviceName: "echo.Echo", kind: .unary, inputType: "echo.EchoRequest",
          outputType: "echo.EchoResponse")
        await #expect {
          let _: Echo_EchoResponse = try await echo.client.unary(method, request: Echo_EchoRequest())
        } throws: { error in
          (error as? RPCError)?.code == .unimplemented
            && (error as? RPCError)?.message == "method 'Nope' is not implemented by service 'echo.Echo'"
        }
      }
    }
  }

  @Test("An unknown service is UNIMPLEMENTED and names the service")
  func unknownService() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let method = ProtobufMethodDescriptor(
          name: "Get", serviceName: "nope.Nope", kind: .unary, inputType: "echo.EchoRequest",
          outputType: "echo.EchoResponse")
        await #expect {
          let _: Echo_EchoResponse = try await echo.client.unary(method, request: Echo_EchoRequest())
        } throws: { error in
          (error as? RPCError)?.code == .unimplemented
            && (error as? RPCError)?.message == "service 'nope.Nope' is not implemented"
        }
      }
    }
  }

  @Test("A request over the server's limit is RESOURCE_EXHAUSTED")
  func requestTooLarge() async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.maximumReceiveMessageSize = 1000
    try await withTestServer(configuration: configuration) { port in
      try await withEchoClient(port: port) { echo in
        await #expect {
          _ = try await echo.get(Echo_EchoRequest(payload: [UInt8](repeating: 1, count: 2000)))
        } throws: { error in
          (error as? RPCError)?.code == .resourceExhausted
            && (error as? RPCError)?.message.contains("limit 1000") == true
        }
        // The connection stays usable.
        let after = try await echo.get(Echo_EchoRequest(text: "ok"))
        #expect(after.text == "ok")
      }
    }
  }

  @Test("A response over the client's limit is RESOURCE_EXHAUSTED")
  func responseTooLarge() async throws {
    _ = try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        await #expect {
          _ = try await echo.get(
            Echo_EchoRequest(payload: [UInt8](repeating: 1, count: 2000)),
            options: CallOptions(maximumReceiveMessageSize: 1000))
        } throws: { error in
          (error as? RPCError)?.code == .resourceExhausted
        }
      }
    }
  }

  @Test("The client's deadline ends a slow call with DEADLINE_EXCEEDED")
  func clientDeadline() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let start = ContinuousClock.now
        await #expect {
          _ = try await echo.get(Echo_EchoRequest(delayMs: 60_000), options: CallOptions(timeout: .milliseconds(200)))
        } throws: { error in
          (error as? RPCError)?.code == .deadlineExceeded
        }
        // Far below the handler's 60 s delay; generous because tests share two busy cores.
        #expect(ContinuousClock.now - start < .seconds(40))
      }
    }
  }

  @Test("Cancelling the calling task cancels the call")
  func clientCancellation() async throws {
    try await withTestServer { port in
      try await withEchoClient(port: port) { echo in
        let task = Task { try await echo.get(Echo_EchoRequest(delayMs: 10_000)) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect {
          _ = try await task.value
        } throws: { error in
          (error as? RPCError)?.code == .cancelled
        }
        let after = try await echo.get(Echo_EchoRequest(text: "after"))
        #expect(after.text == "after")
      }
    }
  }

  @Test("Connecting to a closed port is UNAVAILABLE and names the address")
  func connectionRefused() async throws {
    let port = try await withTestServer { port in port }
    _ = try await withEchoClient(port: port) { echo in
      await #expect {
        _ = try await echo.get(Echo_EchoRequest(text: "x"))
      } throws: { error in
        (error as? RPCError)?.code == .unavailable
          && (error as? RPCError)?.message.contains("127.0.0.1:\(port)") == true
      }
    }
  }
}
