import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

@Suite("Unix domain sockets")
struct UnixDomainSocketTests {
  @Test("An echo call over unix: reaches a server listening on the socket", arguments: ["unix:", "unix://"])
  func echoOverUnixSocket(prefix: String) async throws {
    let path = UnixSocketPath.make()
    let server = try await RunningTestServer.start(unixDomainSocketPath: path)
    let reply = try await withEchoChannel(prefix + path) { echo in
      try await echo.get(Echo_EchoRequest(text: "over uds"), options: CallOptions(timeout: .seconds(10)))
    }
    await server.stop()
    try? FileManager.default.removeItem(atPath: path)
    #expect(reply.text == "over uds")
  }

  @Test("A server replaces a stale socket file left by a crashed one")
  func staleSocketIsReplaced() async throws {
    let path = UnixSocketPath.make()
    try UnixSocketPath.leaveStaleSocket(at: path)
    #expect(FileManager.default.fileExists(atPath: path))
    let server = try await RunningTestServer.start(unixDomainSocketPath: path)
    let reply = try await withEchoChannel("unix:\(path)") { echo in
      try await echo.get(Echo_EchoRequest(text: "again"), options: CallOptions(timeout: .seconds(10)))
    }
    await server.stop()
    try? FileManager.default.removeItem(atPath: path)
    #expect(reply.text == "again")
  }
}
