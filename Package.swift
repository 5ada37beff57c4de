// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "swift-grpc-nghttp2",
  products: [
    .library(name: "ProtobufRuntime", targets: ["ProtobufRuntime"]),
    .library(name: "ChatAPI", targets: ["ChatAPI"]),
    .executable(name: "protobuf-codegen", targets: ["protobuf-codegen"]),
    .plugin(name: "ProtobufCodeGenPlugin", targets: ["ProtobufCodeGenPlugin"]),
  ],
  targets: [
    // C libraries from the system (apt: libnghttp2-dev, libprotobuf-c-dev).
    .systemLibrary(
      name: "CNGHTTP2",
      pkgConfig: "libnghttp2",
      providers: [.apt(["libnghttp2-dev"])]
    ),
    .systemLibrary(
      name: "CProtobufC",
      pkgConfig: "libprotobuf-c",
      providers: [.apt(["libprotobuf-c-dev"])]
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

    // Generated from Protos/chat.proto.
    .target(
      name: "ChatAPI",
      dependencies: ["ProtobufRuntime"],
      swiftSettings: swiftSettings,
      plugins: ["ProtobufCodeGenPlugin"]
    ),

    // Benchmarks (run by scripts/bench-codec.sh, not by the tests).
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
      name: "ProtobufCodeGenTests",
      dependencies: ["ProtobufCodeGen", "ProtobufRuntime"],
      exclude: ["Fixtures"],
      swiftSettings: swiftSettings
    ),
  ]
)
