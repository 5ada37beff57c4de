// swift-tools-version: 6.1
// A package that uses swift-grpc-nghttp2's build plugin for its own protos, as a user's would.
// scripts/check-plugin-consumer.sh builds and runs it; with PROTO_CONSUMER_BAD=1 it also declares a
// target holding a broken .proto, whose build must fail with a file:line:column diagnostic.
import PackageDescription

var targets: [Target] = [
  .target(
    name: "InventoryAPI",
    dependencies: [
      .product(name: "ProtobufRuntime", package: "swift-grpc-nghttp2"),
      // audit.proto imports google/protobuf/{any,timestamp}.proto: their types live here.
      .product(name: "ProtobufWellKnownTypes", package: "swift-grpc-nghttp2"),
    ],
    plugins: [.plugin(name: "ProtobufCodeGenPlugin", package: "swift-grpc-nghttp2")]
  ),
  .executableTarget(
    name: "inventory-demo",
    dependencies: [
      "InventoryAPI",
      .product(name: "ProtobufWellKnownTypes", package: "swift-grpc-nghttp2"),
    ]
  ),
]

if Context.environment["PROTO_CONSUMER_BAD"] == "1" {
  targets.append(
    .target(
      name: "BadProtos",
      dependencies: [.product(name: "ProtobufRuntime", package: "swift-grpc-nghttp2")],
      path: "BadProtos",
      plugins: [.plugin(name: "ProtobufCodeGenPlugin", package: "swift-grpc-nghttp2")]
    )
  )
}

let package = Package(
  name: "proto-consumer",
  dependencies: [.package(name: "swift-grpc-nghttp2", path: "../..")],
  targets: targets
)
