/// A `.proto` file as a serialized `google.protobuf.FileDescriptorProto`, embedded by the generator
/// so that server reflection can serve it without the file on disk.
public struct ProtobufFileDescriptor: Hashable, Sendable {
  /// The file's name relative to its import root (`grpc/health/v1/health.proto`).
  public var name: String
  /// The file's `package`, or `""`.
  public var package: String
  /// Names of the files it imports, as written in its `import` statements.
  public var dependencies: [String]
  /// Fully-qualified names of the messages, enums and services it declares (nested ones included).
  public var symbols: [String]
  /// The serialized `FileDescriptorProto`: the same descriptor `protoc --descriptor_set_out` gives
  /// for this file (without source info).
  public var serializedProto: [UInt8]

  public init(name: String, package: String, dependencies: [String], symbols: [String], serializedProto: [UInt8]) {
    self.name = name
    self.package = package
    self.dependencies = dependencies
    self.symbols = symbols
    self.serializedProto = serializedProto
  }
}
