import GRPCKit
import NIOCore
import GRPCLocking
import Testing

@testable import GRPCKitNGHTTP2

/// The server connection handler on an EmbeddedChannel, fed by a client session in memory: how
/// the stream rules (`ServerStreamRulesTests`) reach the wire for requests that never start a
/// handler task, with no sockets and no peer process. (Calls that run:
/// `ServerConnectionHandlerCallTests`.)
@Suite("Server connection handler")
struct ServerConnectionHandlerTests {
  static let request: [(String, String)] = [
    (":method", "POST"), (":scheme", "http"), (":path", "/echo.Echo/Get"),
    (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers"),
  ]

  /// `request` with `changes` replacing fields of the same name, and `extra` fields added.
  static func headers(_ changes: [(String, String)], extra: [(String, String)] = [])
    -> [HTTP2HeaderField]
  {
    let pairs = Self.request.map { field in changes.first { $0.0 == field.0 } ?? field } + extra
    return fields(pairs)
  }

  static let rejections: [(String, [HTTP2HeaderField], String, String, String?)] = [
    ("GET", headers([(":method", "GET")]), "405", "13", "gRPC requires POST; got GET"),
    (
      "text/plain", headers([("content-type", "text/plain")]), "415", "13",
      "content-type 'text/plain' is not application/grpc"
    ),
    (
      "a malformed grpc-timeout", headers([], extra: [("grpc-timeout", "soon")]), "200", "13",
      "grpc-timeout 'soon' is not 1-8 digits and a unit (H M S m u n)"
    ),
    (
      "an unsupported grpc-encoding", headers([], extra: [("grpc-encoding", "br")]), "200", "12",
      "grpc-encoding 'br' is not supported; supported: gzip, deflate, identity"
    ),
    (
      "a path the stream handler refuses", headers([(":path", "/echo.Echo/Nope")]), "200", "12",
      "unknown method /echo.Echo/Nope"
    ),
  ]

  @Test(
    "A request that breaks a rule gets one trailers-only response and never reaches a task",
    arguments: rejections)
  func rejection(
    name: String, headers: [HTTP2HeaderField], httpStatus: String, grpcStatus: String,
    message: String?
  ) throws {
    let streamHandler = RefusingStreamHandler()
    let connection = try EmbeddedServerConnection(streamHandler: streamHandler)
    let streamID = try connection.client.submitRequest(headers: headers)
    connection.client.endStream(streamID: streamID, trailers: nil)
    let events = try connection.exchange()
    let blocks = events.compactMap { event -> ([HTTP2HeaderField], Bool)? in
      guard case .headers(streamID, let fields, _, let endStream) = event else { return nil }
      return (fields, endStream)
    }
    #expect(blocks.count == 1, "\(name): \(events)")
    let (response, endStream) = try #require(blocks.first)
    #expect(endStream, "\(name)")
    #expect(response.value(":status") == httpStatus, "\(name)")
    #expect(response.value("grpc-status") == grpcStatus, "\(name)")
    #expect(response.value("grpc-message").map(StatusMessageEncoding.decode) == message, "\(name)")
    // gRPC answers list what the server accepts; HTTP errors are not gRPC responses.
    #expect(
      response.value("grpc-accept-encoding")
        == (httpStatus == "200" ? "gzip,deflate,identity" : nil), "\(name)")
    // Only the stream handler's refusal reached it; the transport's own rules come first.
    #expect(
      streamHandler.paths
        == (name == "a path the stream handler refuses" ? ["/echo.Echo/Nope"] : []))
  }

  @Test("A request header list over the limit is RESOURCE_EXHAUSTED naming both sizes")
  func headerListTooLarge() throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.maximumHeaderListSize = 1024
    let streamHandler = RefusingStreamHandler()
    let connection = try EmbeddedServerConnection(
      streamHandler: streamHandler, configuration: configuration)
    let streamID = try connection.client.submitRequest(
      headers: Self.headers([], extra: [("x-big", String(repeating: "a", count: 2000))]))
    connection.client.endStream(streamID: streamID, trailers: nil)
    let events = try connection.exchange()
    let response = try #require(
      events.compactMap { event -> [HTTP2HeaderField]? in
        guard case .headers(streamID, let fields, _, true) = event else { return nil }
        return fields
      }.first, "\(events)")
    #expect(response.value("grpc-status") == "8")
    let message = try #require(response.value("grpc-message").map(StatusMessageEncoding.decode))
    #expect(message.contains("limit 1024 (maximumHeaderListSize)"), "\(message)")
    #expect(streamHandler.paths.isEmpty)
  }

  /// Refuses every stream as an unknown method, and records the paths it was asked for.
  final class RefusingStreamHandler: ServerStreamHandler {
    private let asked = Mutex<[String]>([])
    var paths: [String] { self.asked.withLock { $0 } }

    func handle(_ stream: ServerStream) throws(RPCError) -> ServerCall {
      self.asked.withLock { $0.append(stream.path) }
      throw RPCError(code: .unimplemented, message: "unknown method \(stream.path)")
    }
  }
}
