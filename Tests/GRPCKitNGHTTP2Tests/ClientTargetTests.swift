import GRPCKit
import GRPCKitNGHTTP2
import Testing

@Suite("Client targets")
struct ClientTargetTests {
  typealias Address = ClientTarget.HostAndPort

  @Test(
    "A target parses to its endpoint and authority",
    arguments: [
      ("127.0.0.1:50051", ClientTarget.Endpoint.addresses([Address(host: "127.0.0.1", port: 50051)]), "127.0.0.1:50051"),
      ("[::1]:8080", .addresses([Address(host: "::1", port: 8080)]), "[::1]:8080"),
      ("chat.example.com:443", .name(host: "chat.example.com", port: 443), "chat.example.com:443"),
      ("dns:///chat.internal:50051", .name(host: "chat.internal", port: 50051), "chat.internal:50051"),
      ("dns:chat.internal:50051", .name(host: "chat.internal", port: 50051), "chat.internal:50051"),
      ("dns:///[::1]:7", .name(host: "::1", port: 7), "[::1]:7"),
      (
        "ipv4:10.0.0.1:1,10.0.0.2:2",
        .addresses([Address(host: "10.0.0.1", port: 1), Address(host: "10.0.0.2", port: 2)]), "10.0.0.1:1"
      ),
      (
        "ipv6:[::1]:1,[fe80::1]:2",
        .addresses([Address(host: "::1", port: 1), Address(host: "fe80::1", port: 2)]), "[::1]:1"
      ),
      ("unix:/run/chat.sock", .unixDomainSocket(path: "/run/chat.sock"), "localhost"),
      ("unix:///run/chat.sock", .unixDomainSocket(path: "/run/chat.sock"), "localhost"),
      ("unix:relative.sock", .unixDomainSocket(path: "relative.sock"), "localhost"),
    ]
  )
  func targetParses(text: String, endpoint: ClientTarget.Endpoint, authority: String) throws {
    let target = try ClientTarget(parsing: text)
    #expect(target.endpoint == endpoint)
    #expect(target.authority == authority)
  }

  @Test(
    "An invalid target fails with INVALID_ARGUMENT naming the rule",
    arguments: [
      ("localhost", "is not HOST:PORT, [IPV6]:PORT, dns:"),
      ("host:0", "with a port in 1...65535"),
      ("host:70000", "with a port in 1...65535"),
      ("::1:80", "is not HOST:PORT"),
      ("dns://8.8.8.8/chat:1", "names a DNS server (8.8.8.8)"),
      ("dns:chat", "is not dns:[//AUTHORITY/]HOST:PORT"),
      ("ipv4:chat.example.com:1", "\"chat.example.com\", which is not an IPv4 address"),
      ("ipv4:10.0.0.1:1,", "\"\", which is not ADDR:PORT"),
      ("ipv6:[10.0.0.1]:1", "which is not an IPv6 address"),
      ("unix:", "is not unix:PATH"),
      ("unix://host/path", "is not unix:PATH"),
    ]
  )
  func targetIsRejected(text: String, rule: String) {
    #expect {
      _ = try ClientTarget(parsing: text)
    } throws: { error in
      let error = error as? RPCError
      return error?.code == .invalidArgument && error?.message.hasPrefix("target \"\(text)\"") == true
        && error?.message.contains(rule) == true
    }
  }

  @Test("A socket path longer than sun_path fails with the limit")
  func longSocketPathIsRejected() {
    let path = "/" + String(repeating: "s", count: 120)
    #expect(throws: RPCError(code: .invalidArgument, message: "target \"unix:\(path)\" has a socket path of 121 bytes; limit 107")) {
      _ = try ClientTarget(parsing: "unix:\(path)")
    }
  }

  @Test("A transport for a host and port keeps the host:port authority")
  func hostAndPortTransport() throws {
    #expect(NGHTTP2ClientTransport(host: "127.0.0.1", port: 9).target.authority == "127.0.0.1:9")
    #expect(NGHTTP2ClientTransport(host: "localhost", port: 9).target.endpoint == .name(host: "localhost", port: 9))
    #expect(try NGHTTP2ClientTransport(target: "unix:/tmp/x.sock").target.authority == "localhost")
  }
}
