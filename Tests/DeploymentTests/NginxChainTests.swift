import Foundation
import Testing

/// grpcurl → Nginx L7 (TLS, HTTP/2, grpc_pass) → Nginx L4 (stream) → chat-server, with the
/// configs of `k8s/`, as the seed deploys it.
@Suite("Nginx chain", .serialized)
struct NginxChainTests {
  @Test("grpcurl lists the services through both Nginx hops by reflection")
  func listThroughChain() async throws {
    let result = try await NginxChain.run { chain in try await GRPCurl.run([chain.address, "list"])
    }
    #expect(result.succeeded, "\(result)")
    let services = Set(result.output.split(separator: "\n").map(String.init))
    #expect(services.contains("ChatService"), "\(result)")
    #expect(services.contains("grpc.health.v1.Health"), "\(result)")
    #expect(services.contains("grpc.reflection.v1alpha.ServerReflection"), "\(result)")
  }

  @Test("A ChatStream message through both Nginx hops comes back stamped and the call ends OK")
  func chatStreamThroughChain() async throws {
    let result = try await NginxChain.run { chain in
      try await GRPCurl.run([
        "-d", #"{"user":"a","message":"hi"}"#, chain.address, "ChatService/ChatStream",
      ])
    }
    #expect(result.succeeded, "\(result)")
    let echo = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
      "grpcurl printed no JSON object: \(result)"
    )
    #expect(echo["user"] as? String == "a")
    #expect(echo["message"] as? String == "hi")
    // proto3 JSON prints int64 as a string.
    let timestamp = Int64(echo["timestamp"] as? String ?? "") ?? 0
    #expect(timestamp > 1_600_000_000_000, "not a server timestamp in milliseconds: \(result)")
  }

  @Test("grpc.health.v1.Health/Check through both Nginx hops reports ChatService SERVING")
  func healthThroughChain() async throws {
    let result = try await NginxChain.run { chain in
      try await GRPCurl.run([
        "-d", #"{"service":"ChatService"}"#, chain.address, "grpc.health.v1.Health/Check",
      ])
    }
    #expect(result.succeeded, "\(result)")
    #expect(result.output.contains(#""status": "SERVING""#), "\(result)")
  }

  @Test("With chat-server stopped, Nginx's 502 reaches grpcurl as UNAVAILABLE, not UNKNOWN")
  func backendDownIsUnavailable() async throws {
    let result = try await NginxChain.run { chain in
      let exit = await chain.server.stop()
      #expect(exit == .exited(0))
      return try await GRPCurl.run(
        ["-d", #"{"user":"a","message":"hi"}"#, chain.address, "ChatService/ChatStream"],
        withProtoFiles: true
      )
    }
    #expect(!result.succeeded, "\(result)")
    #expect(result.errorOutput.contains("Code: Unavailable"), "\(result)")
    #expect(result.errorOutput.contains("Message: upstream unavailable"), "\(result)")
  }

  @Test(
    "With chat-server stopped, a grpcio client through Nginx gets UNAVAILABLE from the 502 mapping"
  )
  func backendDownIsUnavailableForGRPCIO() async throws {
    let result = try await NginxChain.run { chain in
      await chain.server.stop()
      return try await GRPCIOClient.chatStream(
        address: chain.address,
        certificate: chain.certificate
      )
    }
    #expect(result.succeeded, "\(result)")
    #expect(result.output == "UNAVAILABLE\nupstream unavailable", "\(result)")
  }

  @Test("A grpcio client's ChatStream call through both Nginx hops ends OK with the echo")
  func grpcioChatStreamThroughChain() async throws {
    let result = try await NginxChain.run { chain in
      try await GRPCIOClient.chatStream(address: chain.address, certificate: chain.certificate)
    }
    #expect(result.succeeded, "\(result)")
    #expect(result.output == "OK\n1", "\(result)")
  }
}
