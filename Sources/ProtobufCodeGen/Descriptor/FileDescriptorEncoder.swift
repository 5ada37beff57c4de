/// Serializes a resolved ``ProtoFile`` as a `google.protobuf.FileDescriptorProto`, the form server
/// reflection serves and ``ProtobufRuntime/ProtobufFileDescriptor`` embeds.
///
/// The result is the descriptor `protoc --descriptor_set_out` (protoc 3.21) writes for the file,
/// without `source_code_info`: the same fields with the same values, written in the same order,
/// so the bytes are normally identical. protoc's own additions are reproduced: a `json_name` for
/// every field, a `<Name>Entry` nested type for every map field, and a synthetic `_<name>` oneof
/// for every proto3 `optional` field.
///
/// Only the standard options of `descriptor.proto` are encoded; custom options (`(my.option) = 1`)
/// are left out because their number and type are defined by an `extend` the AST does not carry.
///
/// ```swift
/// let loader = ProtoLoader(importPaths: ["Protos"]) { path in
///   try? String(contentsOfFile: path, encoding: .utf8)
/// }
/// let set = try loader.load(["chat.proto"])
/// let bytes = FileDescriptorEncoder.encode(set.file(named: "chat.proto")!)
/// ```
public enum FileDescriptorEncoder {
  /// The serialized `FileDescriptorProto` of `file`.
  ///
  /// - Parameter file: A file whose field and method types the resolver has made fully qualified. A
  ///   field type still unresolved (``ProtoFieldType/named(_:)``) is written as protoc's parser
  ///   leaves it: its `type_name` as written and no `type`.
  /// - Returns: The descriptor's wire bytes.
  public static func encode(_ file: ProtoFile) -> [UInt8] {
    var writer = DescriptorWriter()
    writer.writeString(file.name, number: 1)
    if !file.package.isEmpty {
      writer.writeString(file.package, number: 2)
    }
    for dependency in file.imports {
      writer.writeString(dependency.path, number: 3)
    }
    for message in file.messages {
      writer.writeMessage(encode(message), number: 4)
    }
    for enumeration in file.enums {
      writer.writeMessage(encode(enumeration), number: 5)
    }
    for service in file.services {
      writer.writeMessage(encode(service), number: 6)
    }
    if let options = DescriptorOptionSchema.file.encode(file.options) {
      writer.writeMessage(options, number: 8)
    }
    for (index, dependency) in file.imports.enumerated() where dependency.kind == .public {
      writer.writeInt32(Int32(index), number: 10)
    }
    for (index, dependency) in file.imports.enumerated() where dependency.kind == .weak {
      writer.writeInt32(Int32(index), number: 11)
    }
    // protoc 3.21 names the syntax only for proto3 files.
    if file.syntax == "proto3" {
      writer.writeString(file.syntax, number: 12)
    }
    return writer.bytes
  }

  /// A `ServiceDescriptorProto`.
  static func encode(_ service: ProtoService) -> DescriptorWriter {
    var writer = DescriptorWriter()
    writer.writeString(service.name, number: 1)
    for method in service.methods {
      writer.writeMessage(encode(method), number: 2)
    }
    if let options = DescriptorOptionSchema.service.encode(service.options) {
      writer.writeMessage(options, number: 3)
    }
    return writer
  }

  /// A `MethodDescriptorProto`; the streaming flags are written only when set, as protoc does.
  static func encode(_ method: ProtoMethod) -> DescriptorWriter {
    var writer = DescriptorWriter()
    writer.writeString(method.name, number: 1)
    writer.writeString(typeName(method.inputType), number: 2)
    writer.writeString(typeName(method.outputType), number: 3)
    // protoc creates the options of a method with a `{ … }` body even when the body sets none.
    if let options = DescriptorOptionSchema.method.encode(method.options) {
      writer.writeMessage(options, number: 4)
    } else if method.hasBody {
      writer.writeMessage(DescriptorWriter(), number: 4)
    }
    if method.clientStreaming {
      writer.writeBool(true, number: 5)
    }
    if method.serverStreaming {
      writer.writeBool(true, number: 6)
    }
    return writer
  }

  /// A fully-qualified name as descriptors write it: with a leading dot (`.grpc.health.v1.Health`).
  static func typeName(_ fullName: String) -> String {
    fullName.hasPrefix(".") ? fullName : "." + fullName
  }
}
