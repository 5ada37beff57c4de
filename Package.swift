// swift-tools-version: 6.1
import Foundation
import PackageDescription

// `scripts/sanitize.sh thread` sets GRPCKIT_SANITIZE=thread. Every target then sees GRPCKIT_TSAN:
// GRPCLocking's Mutex becomes a pthread lock ThreadSanitizer can follow, and chat-server is built
// without swift-otel, which does not compile with -sanitize=thread (swift-otel 1.6.0: "sending
// 'logger' risks causing data races" in its batch processors), so --otlp-endpoint is refused.
let threadSanitized = ProcessInfo.processInfo.environment["GRPCKIT_SANITIZE"] == "thread"

let swiftSettings: [SwiftSetting] =
  [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("InternalImportsByDefault"),
  ] + (threadSanitized ? [.define("GRPCKIT_TSAN")] : [])

let package = Package(
  name: "swift-grpc-nghttp2",
  products: [
    .library(name: "ProtobufRuntime", targets: ["ProtobufRuntime"]),
    .library(name: "ProtobufWellKnownTypes", targets: ["ProtobufWellKnownTypes"]),
    .library(name: "GRPCStatusDetails", targets: ["GRPCStatusDetails"]),
    .library(name: "GRPCKit", targets: ["GRPCKit"]),
    .library(name: "GRPCKitTesting", targets: ["GRPCKitTesting"]),
    .library(name: "GRPCKitNGHTTP2", targets: ["GRPCKitNGHTTP2"]),
    .library(name: "GRPCMetrics", targets: ["GRPCMetrics"]),
    .library(name: "GRPCServiceLifecycle", targets: ["GRPCServiceLifecycle"]),
    .library(name: "GRPCTracing", targets: ["GRPCTracing"]),
    .library(name: "ChatAPI", targets: ["ChatAPI"]),
    .executable(name: "protobuf-codegen", targets: ["protobuf-codegen"]),
    .executable(name: "chat-server", targets: ["chat-server"]),
    .executable(name: "chat-client", targets: ["chat-client"]),
    .executable(name: "interop-server", targets: ["interop-server"]),
    .executable(name: "interop-client", targets: ["interop-client"]),
    .library(name: "ChatClient", targets: ["ChatClient"]),
    .library(name: "HealthService", targets: ["HealthService"]),
    .library(name: "ReflectionService", targets: ["ReflectionService"]),
    .library(name: "RedisClient", targets: ["RedisClient"]),
    .library(name: "ChatRoomsRedis", targets: ["ChatRoomsRedis"]),
    .plugin(name: "ProtobufCodeGenPlugin", targets: ["ProtobufCodeGenPlugin"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
    // OTLP export for chat-server only, over HTTP: the default traits would also build
    // grpc-swift for OTLP/gRPC.
    .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
  ],
  targets: [
    // C libraries from the system (apt: libnghttp2-dev, libprotobuf-c-dev, zlib1g-dev).
    .systemLibrary(
      name: "CNGHTTP2",
      pkgConfig: "libnghttp2",
      providers: [.apt(["libnghttp2-dev"])]
    ),
    .systemLibrary(
      name: "CZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]
    ),
    .systemLibrary(
      name: "CProtobufC",
      pkgConfig: "libprotobuf-c",
      providers: [.apt(["libprotobuf-c-dev"])]
    ),
    .systemLibrary(
      name: "CHiredis",
      pkgConfig: "hiredis",
      providers: [.apt(["libhiredis-dev"])]
    ),

    // The lock for state shared across threads: Synchronization.Mutex, or with -DGRPCKIT_TSAN
    // (scripts/sanitize.sh thread) a pthread mutex that ThreadSanitizer can follow.
    .target(
      name: "GRPCLocking",
      swiftSettings: swiftSettings
    ),

    // Protobuf: the runtime generated code uses, the generator, and the build-tool plugin.
    .target(
      name: "ProtobufRuntime",
      swiftSettings: swiftSettings
    ),
    .target(
      name: "ProtobufCodeGen",
      dependencies: ["ProtobufRuntime"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "protobuf-codegen",
      dependencies: ["ProtobufCodeGen"],
      swiftSettings: swiftSettings
    ),
    .plugin(
      name: "ProtobufCodeGenPlugin",
      capability: .buildTool(),
      dependencies: ["protobuf-codegen"]
    ),
    // The well-known types (google/protobuf/{any,duration,...}.proto), generated once for every
    // user's protos to import, with conveniences (Timestamp ⇄ Date, Any packing, literals).
    .target(
      name: "ProtobufWellKnownTypes",
      dependencies: ["ProtobufRuntime"],
      swiftSettings: swiftSettings,
      plugins: ["ProtobufCodeGenPlugin"]
    ),

    // google.rpc.Status and the standard error details (google/rpc/*.proto), which RPCError
    // carries in grpc-status-details-bin.
    .target(
      name: "GRPCStatusDetails",
      dependencies: ["ProtobufWellKnownTypes"],
      swiftSettings: swiftSettings,
      plugins: ["ProtobufCodeGenPlugin"]
    ),

    // gRPC: the transport-independent core, and the nghttp2 transport over SwiftNIO.
    .target(
      name: "GRPCKit",
      dependencies: [
        "ProtobufRuntime", "GRPCLocking",
        "GRPCStatusDetails",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "DequeModule", package: "swift-collections"),
      ],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "GRPCKitNGHTTP2",
      dependencies: [
        "GRPCKit", "GRPCLocking",
        "CNGHTTP2",
        "CZlib",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOTLS", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "DequeModule", package: "swift-collections"),
        .product(name: "CoreMetrics", package: "swift-metrics"),
      ],
      swiftSettings: swiftSettings
    ),
    // Tracing of calls (W3C trace context in metadata) as server and client interceptors.
    .target(
      name: "GRPCTracing",
      dependencies: [
        "GRPCKit",
        .product(name: "Tracing", package: "swift-distributed-tracing"),
      ],
      swiftSettings: swiftSettings
    ),
    // GRPCServer as a swift-service-lifecycle Service.
    .target(
      name: "GRPCServiceLifecycle",
      dependencies: [
        "GRPCKit",
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: swiftSettings
    ),
    // Metrics of calls (go-grpc-prometheus's names) as server and client interceptors.
    .target(
      name: "GRPCMetrics",
      dependencies: [
        "GRPCKit", "GRPCLocking",
        .product(name: "CoreMetrics", package: "swift-metrics"),
      ],
      swiftSettings: swiftSettings
    ),

    // For users' tests: the in-process transport and withInProcessServer.
    .target(
      name: "GRPCKitTesting",
      dependencies: [
        "GRPCKit", "GRPCLocking",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),

    // Test helpers: the Echo test service (generated from its own proto) and process helpers.
    .target(
      name: "GRPCTestSupport",
      dependencies: [
        "GRPCKit", "GRPCKitNGHTTP2", "CZlib", "GRPCLocking",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      exclude: ["Python"],
      swiftSettings: swiftSettings,
      plugins: ["ProtobufCodeGenPlugin"]
    ),

    // Generated from Protos/chat.proto.
    .target(
      name: "ChatAPI",
      dependencies: ["ProtobufRuntime", "GRPCKit"],
      swiftSettings: swiftSettings,
      plugins: ["ProtobufCodeGenPlugin"]
    ),

    // The chat service and its server executable.
    .target(
      name: "ChatService",
      dependencies: [
        "ChatAPI", "GRPCKit", "GRPCLocking",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "CoreMetrics", package: "swift-metrics"),
      ],
      swiftSettings: swiftSettings
    ),
    // Standard services: grpc.health.v1.Health and server reflection (v1 and v1alpha).
    .target(
      name: "HealthService",
      dependencies: ["GRPCKit", "GRPCLocking"],
      swiftSettings: swiftSettings,
      plugins: ["ProtobufCodeGenPlugin"]
    ),
    .target(
      name: "ReflectionService",
      dependencies: ["GRPCKit", "ProtobufWellKnownTypes"],
      swiftSettings: swiftSettings,
      plugins: ["ProtobufCodeGenPlugin"]
    ),

    // A Redis client: hiredis's RESP reader and command formatter, SwiftNIO for the sockets.
    .target(
      name: "RedisClient",
      dependencies: [
        "CHiredis", "GRPCLocking",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOTLS", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "CoreMetrics", package: "swift-metrics"),
      ],
      swiftSettings: swiftSettings
    ),

    // The client SDK and the command-line client.
    .target(
      name: "ChatClient",
      dependencies: ["ChatAPI", "GRPCKit", "GRPCKitNGHTTP2", "GRPCLocking"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "chat-client",
      dependencies: [
        "ChatClient", "GRPCKit", "ProtobufRuntime",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings
    ),

    // Rooms shared by several servers through Redis.
    .target(
      name: "ChatRoomsRedis",
      dependencies: [
        "ChatService", "ChatAPI", "GRPCKit", "RedisClient", "GRPCLocking",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),

    .executableTarget(
      name: "chat-server",
      dependencies: [
        "ChatService", "ChatRoomsRedis", "RedisClient", "ChatAPI", "GRPCKit", "GRPCKitNGHTTP2", "HealthService", "ReflectionService", "GRPCLocking",
        "GRPCMetrics", "GRPCTracing", "ProtobufRuntime",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "CoreMetrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "Tracing", package: "swift-distributed-tracing"),
      ] + (threadSanitized ? [] : [.product(name: "OTel", package: "swift-otel")]),
      swiftSettings: swiftSettings
    ),

    // The gRPC interop test cases: grpc.testing.TestService (generated from the verbatim
    // Protos/grpc/testing files, which import each other as src/proto/grpc/testing/..., so
    // ProtoRoot holds that path as a link to Protos/grpc/testing), the client cases, the test
    // credentials, and the two programs every gRPC implementation's interop runners call.
    .target(
      name: "InteropTesting",
      dependencies: [
        "ProtobufRuntime", "GRPCKit", "GRPCKitNGHTTP2",
      ],
      exclude: ["ProtoRoot"],
      resources: [.copy("Credentials")],
      swiftSettings: swiftSettings,
      plugins: ["ProtobufCodeGenPlugin"]
    ),
    .executableTarget(
      name: "interop-server",
      dependencies: [
        "InteropTesting", "GRPCKit", "GRPCKitNGHTTP2",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "interop-client",
      dependencies: [
        "InteropTesting", "GRPCKit", "GRPCKitNGHTTP2",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings
    ),

    // Benchmarks (run by scripts/bench-*.sh, not by the tests).
    .executableTarget(
      name: "chat-load",
      dependencies: [
        "ChatAPI", "GRPCKit", "GRPCKitNGHTTP2",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/chat-load",
      swiftSettings: swiftSettings
    ),
    // The monotonic clock the scale and soak drivers time with.
    .target(
      name: "BenchmarkClock",
      path: "Benchmarks/BenchmarkClock",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "chat-scale",
      dependencies: [
        "BenchmarkClock", "ChatAPI", "GRPCKit", "GRPCKitNGHTTP2", "GRPCLocking",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/chat-scale",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "chat-soak",
      dependencies: [
        "BenchmarkClock", "ChatClient", "GRPCLocking",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/chat-soak",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "grpc-call-benchmark",
      dependencies: [
        "GRPCKit", "GRPCKitNGHTTP2", "GRPCTestSupport",
        .product(name: "Logging", package: "swift-log"),
      ],
      path: "Benchmarks/grpc-call-benchmark",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "protobuf-benchmark",
      dependencies: ["ProtobufRuntime", "ChatAPI"],
      path: "Benchmarks/protobuf-benchmark",
      swiftSettings: swiftSettings,
      plugins: ["ProtobufCodeGenPlugin"]
    ),

    .testTarget(
      name: "ProtobufRuntimeTests",
      dependencies: ["ProtobufRuntime", "ChatAPI"],
      exclude: ["Reference"],
      swiftSettings: swiftSettings,
      plugins: ["ProtobufCodeGenPlugin"]
    ),
    .testTarget(
      name: "GRPCKitTests",
      dependencies: [
        "GRPCKit", "GRPCTestSupport", "GRPCLocking",
        .product(name: "InMemoryLogging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "GRPCKitTestingTests",
      dependencies: [
        "GRPCKitTesting", "GRPCKit", "GRPCKitNGHTTP2", "GRPCTestSupport", "ChatService", "ChatAPI", "GRPCLocking",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "GRPCKitNGHTTP2Tests",
      dependencies: [
        "GRPCKit", "GRPCKitNGHTTP2", "GRPCTestSupport", "CNGHTTP2", "GRPCLocking",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "InMemoryLogging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
        .product(name: "NIOTLS", package: "swift-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "GRPCMetricsTests",
      dependencies: [
        "GRPCMetrics", "GRPCKit", "GRPCKitNGHTTP2", "GRPCTestSupport",
        .product(name: "CoreMetrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "GRPCTracingTests",
      dependencies: [
        "GRPCTracing", "GRPCKit", "GRPCKitNGHTTP2", "GRPCTestSupport", "GRPCLocking",
        .product(name: "Tracing", package: "swift-distributed-tracing"),
        .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "GRPCServiceLifecycleTests",
      dependencies: [
        "GRPCServiceLifecycle", "GRPCKit", "GRPCKitNGHTTP2", "GRPCTestSupport",
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),
    // chat-server's own types (log lines, trace headers), tested without starting the process.
    .testTarget(
      name: "ChatServerCommandTests",
      dependencies: [
        "chat-server",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ChatServiceTests",
      dependencies: [
        "ChatService", "ChatRoomsRedis", "RedisClient", "ChatAPI", "GRPCKit", "GRPCKitNGHTTP2", "GRPCTestSupport", "GRPCLocking",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "StandardServicesTests",
      dependencies: [
        "HealthService", "ReflectionService", "ChatAPI", "GRPCKit", "GRPCKitNGHTTP2", "GRPCTestSupport",
        "ProtobufWellKnownTypes",
      ],
      swiftSettings: swiftSettings,
      plugins: ["ProtobufCodeGenPlugin"]
    ),
    .testTarget(
      name: "ChatClientTests",
      dependencies: ["ChatClient", "ChatService", "ChatAPI", "GRPCKit", "GRPCKitNGHTTP2", "GRPCTestSupport"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "RedisClientTests",
      dependencies: [
        "RedisClient", "CHiredis", "GRPCTestSupport", "GRPCLocking",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ChatRoomsRedisTests",
      dependencies: [
        "ChatClient", "ChatAPI", "GRPCKit", "GRPCKitNGHTTP2", "HealthService", "RedisClient", "GRPCTestSupport", "GRPCLocking",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "DeploymentTests",
      dependencies: ["GRPCTestSupport"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "InteropTests",
      dependencies: ["InteropTesting", "GRPCKit", "GRPCTestSupport"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ProtobufWellKnownTypesTests",
      dependencies: ["ProtobufWellKnownTypes"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ChatScaleTests",
      dependencies: ["chat-scale"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ChatSoakTests",
      dependencies: ["chat-soak"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "GRPCLockingTests",
      dependencies: ["GRPCLocking"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ProtobufCodeGenTests",
      dependencies: ["ProtobufCodeGen", "ProtobufRuntime", "GRPCLocking"],
      exclude: ["Fixtures"],
      swiftSettings: swiftSettings
    ),
  ]
)

// libFuzzer targets (`scripts/fuzz.sh`): with GRPCKIT_FUZZ set, the package is only the modules
// they fuzz and the targets themselves. The targets have no `main`: `--sanitize=fuzzer` links
// libFuzzer's and compiles every executable as a library, which would break the generator (and so
// the build plugin) too; so no target here uses the plugin, and `scripts/fuzz.sh` generates the
// codec the protobuf target decodes (Tests/ProtobufRuntimeTests/rich.proto, into its git-ignored
// `Generated/`) with an ordinary build's `protobuf-codegen` first.
//
// The server- and client-input targets need GRPCKit, whose status details and well-known types
// the plugin generates: here they are plain targets over `Tests/Fuzz/Modules/NAME` (git-ignored),
// where `scripts/fuzz.sh` links each module's sources and the `.pb.swift` files an ordinary
// build's plugin generated.
if ProcessInfo.processInfo.environment["GRPCKIT_FUZZ"] != nil {
  let fuzzed: Set = [
    "GRPCLocking", "ProtobufRuntime", "ProtobufCodeGen", "CHiredis", "RedisClient", "GRPCKit",
    "GRPCKitNGHTTP2", "CNGHTTP2", "CZlib",
  ]
  package.products = []
  package.targets = package.targets.filter { fuzzed.contains($0.name) } + [
    .target(
      name: "ProtobufWellKnownTypes",
      dependencies: ["ProtobufRuntime"],
      path: "Tests/Fuzz/Modules/ProtobufWellKnownTypes",
      swiftSettings: swiftSettings
    ),
    .target(
      name: "GRPCStatusDetails",
      dependencies: ["ProtobufWellKnownTypes"],
      path: "Tests/Fuzz/Modules/GRPCStatusDetails",
      swiftSettings: swiftSettings
    ),
    .target(
      name: "FuzzInputSupport",
      dependencies: ["GRPCKit", .product(name: "NIOCore", package: "swift-nio")],
      path: "Tests/Fuzz/Targets/FuzzInputSupport",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "FuzzClientInput",
      dependencies: [
        "FuzzInputSupport", "GRPCKitNGHTTP2", "GRPCKit", .product(name: "NIOCore", package: "swift-nio"),
      ],
      path: "Tests/Fuzz/Targets/FuzzClientInput",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "FuzzServerInput",
      dependencies: [
        "FuzzInputSupport", "GRPCKitNGHTTP2", "GRPCKit", .product(name: "NIOCore", package: "swift-nio"),
      ],
      path: "Tests/Fuzz/Targets/FuzzServerInput",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "FuzzProtobufDecoding",
      dependencies: ["ProtobufRuntime"],
      path: "Tests/Fuzz/Targets/FuzzProtobufDecoding",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "FuzzProtoParser",
      dependencies: ["ProtobufCodeGen"],
      path: "Tests/Fuzz/Targets/FuzzProtoParser",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "FuzzServiceConfig",
      dependencies: ["GRPCKit", "ProtobufRuntime"],
      path: "Tests/Fuzz/Targets/FuzzServiceConfig",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "FuzzRedisReplies",
      dependencies: ["RedisClient", .product(name: "NIOCore", package: "swift-nio")],
      path: "Tests/Fuzz/Targets/FuzzRedisReplies",
      swiftSettings: swiftSettings
    ),
  ]
}
