import ChatClient
import Testing

@Suite("ChatClient targets")
struct ChatTargetTests {
  @Test(
    "A HOST:PORT target gives the host and port",
    arguments: [
      ("127.0.0.1:50051", "127.0.0.1", 50051),
      ("chat.example.com:443", "chat.example.com", 443),
      ("[::1]:8080", "::1", 8080),
    ]
  )
  func targetParses(target: String, host: String, port: Int) throws {
    let client = try ChatClient(target: target)
    #expect(client.host == host)
    #expect(client.port == port)
    #expect(client.target == target)
  }

  @Test(
    "A target that is not HOST:PORT fails with INVALID_ARGUMENT",
    arguments: ["localhost", ":50051", "host:", "host:port", "host:0", "host:70000"]
  )
  func targetIsRejected(target: String) {
    #expect {
      _ = try ChatClient(target: target)
    } throws: { error in
      let error = error as? RPCError
      return error?.code == .invalidArgument
        && error?.message.hasPrefix("target \"\(target)\" is not HOST:PORT, [IPV6]:PORT,") == true
        && error?.message.hasSuffix("with a port in 1...65535") == true
    }
  }
}
