import ProtobufCodeGen
import Testing

@Suite("Swift emitter: service stubs")
struct SwiftEmitterServiceTests {
  static let echo = """
    syntax = "proto3";
    package echo;
    message EchoRequest { string text = 1; }
    message EchoResponse { string text = 1; }
    // The echo service.
    service Echo {
      // Replies with the text.
      rpc Get(EchoRequest) returns (EchoResponse);
      rpc Collect(stream EchoRequest) returns (EchoResponse);
      rpc Expand(EchoRequest) returns (stream EchoResponse);
      rpc Update(stream EchoRequest) returns (stream EchoResponse);
    }
    """

  /// Generates `name` from in-memory `files` (name → text) with `options`.
  static func generate(
    _ name: String = "echo.proto",
    _ files: [String: String] = ["echo.proto": echo],
    options: SwiftEmitterOptions = SwiftEmitterOptions()
  ) throws -> [String] {
    let loader = ProtoLoader(
      importPaths: ["/protos"],
      readFile: { path in files[String(path.dropFirst("/protos/".count))] }
    )
    let set = try loader.load([name])
    let file = try #require(set.file(named: name))
    return SwiftEmitterTests.lines(SwiftEmitter.generate(file, in: set, options: options))
  }

  /// Generates `test.proto` made of a proto3 header and `body`.
  static func generate(
    body: String,
    options: SwiftEmitterOptions = SwiftEmitterOptions()
  ) throws -> [String] {
    try generate("test.proto", ["test.proto": "syntax = \"proto3\";\n" + body], options: options)
  }

  @Test("A file with a service imports GRPCKit after ProtobufRuntime")
  func importsGRPCKit() throws {
    let lines = try Self.generate()
    let runtime = try #require(lines.firstIndex(of: "public import ProtobufRuntime"))
    #expect(lines[runtime + 1] == "public import GRPCKit")
  }

  @Test("A file without services imports only ProtobufRuntime")
  func messageOnlyFileSkipsGRPCKit() throws {
    let lines = try Self.generate(body: "message M { string text = 1; }")
    #expect(lines.contains("public import ProtobufRuntime"))
    #expect(!lines.contains { $0.contains("GRPCKit") })
  }

  @Test("Without service stubs a service keeps its descriptors and the file skips GRPCKit")
  func stubsOff() throws {
    let lines = try Self.generate(options: SwiftEmitterOptions(generatesServiceStubs: false))
    #expect(lines.contains("public enum Echo_Echo {"))
    #expect(lines.contains("public static let get = ProtobufMethodDescriptor("))
    #expect(!lines.contains { $0.contains("GRPCKit") || $0.contains("ServiceProtocol") })
    #expect(!lines.contains { $0.contains("struct Client") || $0.contains("ClientProtocol") })
  }

  @Test("Stubs nest in the service's namespace and register through a protocol extension")
  func layout() throws {
    let lines = try Self.generate()
    let namespace = try #require(lines.firstIndex(of: "extension Echo_Echo {"))
    let service = try #require(
      lines.firstIndex(of: "public protocol ServiceProtocol: GRPCKit.RegistrableRPCService {")
    )
    let clientProtocol = try #require(lines.firstIndex(of: "public protocol ClientProtocol: Sendable {"))
    let client = try #require(lines.firstIndex(of: "public struct Client: ClientProtocol {"))
    let conveniences = try #require(lines.firstIndex(of: "extension Echo_Echo.ClientProtocol {"))
    let registration = try #require(lines.firstIndex(of: "extension Echo_Echo.ServiceProtocol {"))
    #expect(namespace < service && service < clientProtocol && clientProtocol < client)
    #expect(client < conveniences && conveniences < registration)
    #expect(lines[registration + 2] == "public func registerMethods(with router: inout GRPCKit.RPCRouter) {")
    #expect(lines.contains("public let client: GRPCKit.GRPCClient"))
    #expect(lines.contains("public init(wrapping client: GRPCKit.GRPCClient) {"))
  }

  @Test(
    "Each kind of RPC gets its server requirement, client method and registration",
    arguments: [
      (
        "func get(request: Echo_EchoRequest, context: GRPCKit.ServerContext) async throws -> Echo_EchoResponse",
        "public func get(_ request: Echo_EchoRequest, options: GRPCKit.CallOptions) async throws -> Echo_EchoResponse {",
        "try await self.client.unary(Echo_Echo.Method.get, request: request, options: options)",
        "router.registerUnary(Echo_Echo.Method.get) { (request: Echo_EchoRequest, context) -> Echo_EchoResponse in",
        "try await self.get(request: request, context: context)"
      ),
      (
        "func collect(requests: GRPCKit.RequestStream<Echo_EchoRequest>, context: GRPCKit.ServerContext) async throws -> Echo_EchoResponse",
        "public func collect(options: GRPCKit.CallOptions, requests: (GRPCKit.RequestWriter<Echo_EchoRequest>) async throws -> Void) async throws -> Echo_EchoResponse {",
        "try await self.client.clientStreaming(Echo_Echo.Method.collect, options: options, requests: requests)",
        "router.registerClientStreaming(Echo_Echo.Method.collect) { (requests: GRPCKit.RequestStream<Echo_EchoRequest>, context) -> Echo_EchoResponse in",
        "try await self.collect(requests: requests, context: context)"
      ),
      (
        "func expand(request: Echo_EchoRequest, responses: GRPCKit.ResponseWriter<Echo_EchoResponse>, context: GRPCKit.ServerContext) async throws",
        "public func expand<Result: Sendable>(_ request: Echo_EchoRequest, options: GRPCKit.CallOptions, body: (GRPCKit.ResponseStream<Echo_EchoResponse>) async throws -> Result) async throws -> Result {",
        "try await self.client.serverStreaming(Echo_Echo.Method.expand, request: request, options: options, body: body)",
        "router.registerServerStreaming(Echo_Echo.Method.expand) { (request: Echo_EchoRequest, responses: GRPCKit.ResponseWriter<Echo_EchoResponse>, context) in",
        "try await self.expand(request: request, responses: responses, context: context)"
      ),
      (
        "func update(requests: GRPCKit.RequestStream<Echo_EchoRequest>, responses: GRPCKit.ResponseWriter<Echo_EchoResponse>, context: GRPCKit.ServerContext) async throws",
        "public func update<Result: Sendable>(options: GRPCKit.CallOptions, body: (GRPCKit.RequestWriter<Echo_EchoRequest>, GRPCKit.ResponseStream<Echo_EchoResponse>) async throws -> Result) async throws -> Result {",
        "try await self.client.bidirectionalStreaming(Echo_Echo.Method.update, options: options, body: body)",
        "router.registerBidirectionalStreaming(Echo_Echo.Method.update) { (requests: GRPCKit.RequestStream<Echo_EchoRequest>, responses: GRPCKit.ResponseWriter<Echo_EchoResponse>, context) in",
        "try await self.update(requests: requests, responses: responses, context: context)"
      ),
    ]
  )
  func kinds(
    requirement: String,
    clientMethod: String,
    clientCall: String,
    registration: String,
    handlerCall: String
  ) throws {
    let lines = try Self.generate()
    #expect(lines.contains(requirement))
    let method = try #require(lines.firstIndex(of: clientMethod))
    #expect(lines[method + 1] == clientCall)
    let register = try #require(lines.firstIndex(of: registration))
    #expect(lines[register + 1] == handlerCall)
  }

  @Test("The client protocol declares every call, the conveniences without options forward to it")
  func clientProtocol() throws {
    let lines = try Self.generate()
    let start = try #require(lines.firstIndex(of: "public protocol ClientProtocol: Sendable {"))
    let end = try #require(lines[start...].firstIndex(of: "}"))
    let requirements = lines[start..<end].filter { $0.hasPrefix("func ") }
    #expect(requirements.count == 6)
    #expect(
      requirements.contains(
        "func get<Result: Sendable>(_ request: Echo_EchoRequest, options: GRPCKit.CallOptions, onResponse: (GRPCKit.ClientResponse<Echo_EchoResponse>) async throws -> Result) async throws -> Result"
      ))
    let convenience = try #require(
      lines.firstIndex(
        of:
          "public func collect<Result: Sendable>(requests: (GRPCKit.RequestWriter<Echo_EchoRequest>) async throws -> Void, onResponse: (GRPCKit.ClientResponse<Echo_EchoResponse>) async throws -> Result) async throws -> Result {"
      ))
    #expect(
      lines[convenience + 1]
        == "try await self.collect(options: GRPCKit.CallOptions(), requests: requests, onResponse: onResponse)")
    let unaryResponse = try #require(
      lines.firstIndex(
        of:
          "public func get<Result: Sendable>(_ request: Echo_EchoRequest, options: GRPCKit.CallOptions, onResponse: (GRPCKit.ClientResponse<Echo_EchoResponse>) async throws -> Result) async throws -> Result {"
      ))
    #expect(
      lines[unaryResponse + 1]
        == "try await self.client.unary(Echo_Echo.Method.get, request: request, options: options, onResponse: onResponse)")
  }

  @Test("Proto comments document the protocol, its requirements and the client methods")
  func docComments() throws {
    let lines = try Self.generate()
    let service = try #require(
      lines.firstIndex(of: "public protocol ServiceProtocol: GRPCKit.RegistrableRPCService {")
    )
    #expect(lines[service - 1] == "/// The echo service.")
    let requirement = try #require(lines.firstIndex { $0.hasPrefix("func get(request:") })
    #expect(lines[requirement - 1] == "/// Replies with the text.")
    let client = try #require(lines.firstIndex { $0.hasPrefix("public func get(_ request:") })
    #expect(lines[client - 1] == "/// Replies with the text.")
  }

  @Test("Declarations without proto comments get a generated summary")
  func fallbackDocComments() throws {
    let lines = try Self.generate(
      body: "package a;\nmessage M {}\nservice S { rpc Call(M) returns (M); }"
    )
    let service = try #require(
      lines.firstIndex(of: "public protocol ServiceProtocol: GRPCKit.RegistrableRPCService {")
    )
    #expect(lines[service - 1] == "/// The server side of `a.S`: implement its methods, then register it.")
    let requirement = try #require(lines.firstIndex { $0.hasPrefix("func call(request:") })
    #expect(lines[requirement - 1] == "/// Handles `Call`.")
    let client = try #require(lines.firstIndex { $0.hasPrefix("public func call(_ request:") })
    #expect(lines[client - 1] == "/// Calls `Call`.")
  }

  @Test("RPC names that are Swift keywords are escaped everywhere; init gets _p")
  func keywordNames() throws {
    let lines = try Self.generate(
      body: "package a;\nmessage M {}\nservice S { rpc Return(M) returns (M); rpc Init(M) returns (M); }"
    )
    #expect(lines.contains("public static let `return` = ProtobufMethodDescriptor("))
    #expect(lines.contains("func `return`(request: A_M, context: GRPCKit.ServerContext) async throws -> A_M"))
    #expect(lines.contains { $0.hasPrefix("public func `return`(_ request: A_M,") })
    #expect(lines.contains("try await self.client.unary(A_S.Method.`return`, request: request, options: options)"))
    #expect(lines.contains("try await self.`return`(request: request, context: context)"))
    #expect(lines.contains("func init_p(request: A_M, context: GRPCKit.ServerContext) async throws -> A_M"))
    #expect(lines.contains("try await self.init_p(request: request, context: context)"))
  }

  @Test("Stubs name nested and imported message types as fields do")
  func importedAndNestedTypes() throws {
    let lines = try Self.generate(
      "app.proto",
      [
        "app.proto": """
        syntax = "proto3";
        package app;
        import "lib/shared.proto";
        message Outer { message Inner {} }
        service S { rpc Call(lib.Shared) returns (Outer.Inner); }
        """,
        "lib/shared.proto": "syntax = \"proto3\";\npackage lib;\nmessage Shared {}",
      ]
    )
    #expect(
      lines.contains("func call(request: Lib_Shared, context: GRPCKit.ServerContext) async throws -> App_Outer.Inner")
    )
  }

  @Test("Top-level messages without a package that stubs would hide get a Message suffix")
  func hiddenTopLevelNames() throws {
    let lines = try Self.generate(
      body: "message Client {}\nmessage Method {}\nmessage Void {}\nservice S { rpc Call(Client) returns (Void); }"
    )
    #expect(lines.contains("public struct ClientMessage: ProtobufMessage {"))
    #expect(lines.contains("public struct MethodMessage: ProtobufMessage {"))
    #expect(
      lines.contains("func call(request: ClientMessage, context: GRPCKit.ServerContext) async throws -> VoidMessage")
    )
  }

  @Test("The generic result of a streaming client method avoids a message named Result")
  func resultNameClash() throws {
    let lines = try Self.generate(
      body: "message Result {}\nservice S { rpc Watch(Result) returns (stream Result); }"
    )
    #expect(lines.contains { $0.hasPrefix("public func watch<Result_: Sendable>(_ request: Result,") })
    #expect(lines.contains { $0.hasSuffix("async throws -> Result_) async throws -> Result_ {") })
  }

  @Test(
    "The visibility option applies to the GRPCKit import and every stub declaration",
    arguments: [SwiftEmitterOptions.Visibility.package, .internal]
  )
  func visibility(_ visibility: SwiftEmitterOptions.Visibility) throws {
    let lines = try Self.generate(options: SwiftEmitterOptions(visibility: visibility))
    let level = visibility.rawValue
    #expect(!lines.contains { $0.contains("public") })
    #expect(lines.contains("\(level) import GRPCKit"))
    #expect(lines.contains("\(level) protocol ServiceProtocol: GRPCKit.RegistrableRPCService {"))
    #expect(lines.contains("\(level) protocol ClientProtocol: Sendable {"))
    #expect(lines.contains("\(level) struct Client: ClientProtocol {"))
    #expect(lines.contains("\(level) let client: GRPCKit.GRPCClient"))
    #expect(lines.contains("\(level) init(wrapping client: GRPCKit.GRPCClient) {"))
    #expect(lines.contains { $0.hasPrefix("\(level) func get(_ request: Echo_EchoRequest,") })
    #expect(lines.contains("\(level) func registerMethods(with router: inout GRPCKit.RPCRouter) {"))
  }

  @Test("--no-services leaves out the stubs")
  func noServicesFlag() throws {
    let files = CodeGenRunnerTests.InMemoryFiles(["echo.proto": Self.echo])
    let result = CodeGenRunnerTests.run(["--output-dir", "out", "--no-services", "echo.proto"], files: files)
    #expect(result.status == 0)
    let output = try #require(files.writtenFiles["out/echo.pb.swift"])
    #expect(output.contains("public enum Echo_Echo {"))
    #expect(!output.contains("GRPCKit"))
  }
}
