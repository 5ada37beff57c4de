import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

/// Compression interop with Python grpcio, both directions.
@Suite("grpcio compression interop", .serialized)
struct GRPCIOCompressionInteropTests {
  static let payload = [UInt8](String(repeating: "compressible payload ", count: 5000).utf8)

  @Test(
    "A grpcio client compressing its requests passes every check against the Swift server",
    arguments: [
      CompressionAlgorithm.gzip, .deflate,
    ]
  )
  func grpcioClientAgainstSwiftServer(algorithm: CompressionAlgorithm) async throws {
    try await withTestServer(services: [EchoService(), CompressionProbeService()]) { port in
      let process = try ExternalProcess.python(
        script: "compression_client_checks.py",
        arguments: ["--target", "127.0.0.1:\(port)", "--compression", algorithm.name]
      )
      try await withExternalProcess(process) { process in
        var results: [String: Bool] = [:]
        var details: [String] = []
        while let line = try await process.nextLine(timeout: .seconds(60)) {
          guard
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let check = object["check"] as? String, let ok = object["ok"] as? Bool
          else { continue }
          results[check] = ok
          if !ok { details.append("\(check): \(object["detail"] ?? "")") }
        }
        let status = try await process.waitForExit(timeout: .seconds(30))
        #expect(details.isEmpty, "failed grpcio checks: \(details)")
        #expect(results.keys.sorted() == ["inspect", "limit", "per_call", "stream"])
        #expect(status == .exited(0), "stderr: \(process.standardErrorText)")
      }
    }
  }

  @Test("The Swift client's gzip requests reach a grpcio server, and its gzip responses decompress")
  func swiftClientAgainstGRPCIOServer() async throws {
    let process = try ExternalProcess.python(
      script: "echo_server.py",
      arguments: ["--port", "0", "--watch-parent", "--compression", "gzip"]
    )
    try await withExternalProcess(process) { server in
      let port = try await server.waitForListeningPort()
      try await withEchoClient(port: port) { echo in
        let options = CallOptions(compression: .gzip)
        let reply = try await echo.get(
          Echo_EchoRequest(text: "gz", payload: Self.payload),
          options: options
        )
        #expect(reply.text == "gz")
        #expect(reply.payload == Self.payload)

        try await echo.update(options: options) { writer, responses in
          var iterator = responses.makeAsyncIterator()
          for index in 0 ..< 4 {
            try await writer.write(
              Echo_EchoRequest(text: "u\(index)", payload: Self.payload),
              compress: index != 2
            )
            let reply = try await iterator.next()
            #expect(reply?.text == "u\(index)")
            #expect(reply?.payload == Self.payload)
          }
          writer.finish()
          #expect(try await iterator.next() == nil)
        }

        // grpcio answers in gzip: 200 KiB of zeros arrive as a few hundred bytes, and only
        // their decompressed size is over this call's limit.
        await #expect {
          _ = try await echo.get(
            Echo_EchoRequest(payload: [UInt8](repeating: 0, count: 200 << 10)),
            options: CallOptions(maximumReceiveMessageSize: 64 << 10, compression: .gzip)
          )
        } throws: { error in
          (error as? RPCError)?.code == .resourceExhausted
            && (error as? RPCError)?.message
              == "decompressed message exceeds the limit of 65536 bytes"
        }
      }
    }
  }
}
