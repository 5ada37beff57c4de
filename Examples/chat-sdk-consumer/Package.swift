// swift-tools-version: 6.1
// A package that uses swift-grpc-nghttp2's client SDK (the ChatClient product), as a user's would.
// scripts/check-sdk-consumer.sh builds it and, given a chat-server binary, runs it against one.
import PackageDescription

let package = Package(
  name: "chat-sdk-consumer",
  dependencies: [.package(name: "swift-grpc-nghttp2", path: "../..")],
  targets: [
    .executableTarget(
      name: "chat-notify",
      dependencies: [.product(name: "ChatClient", package: "swift-grpc-nghttp2")]
    )
  ]
)
