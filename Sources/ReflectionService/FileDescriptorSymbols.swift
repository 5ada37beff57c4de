import GRPCKit

/// What a fully-qualified protobuf name declares.
enum SymbolKind: Hashable, Sendable {
  case message, enumeration, enumValue, field, oneof, service, method
}

/// Reads the names a serialized `google.protobuf.FileDescriptorProto` declares: messages (nested
/// ones included), their fields and oneofs, enums and their values, services and their methods,
/// each fully qualified as `protoc` and grpc-go name them (enum values live in their enum's
/// enclosing scope, as in C++).
struct FileDescriptorSymbols {
  private(set) var symbols: [String: SymbolKind] = [:]

  /// Walks `serialized`.
  ///
  /// - Throws: ``WireDecodingError`` when the bytes are not a well-formed message.
  init(serialized: [UInt8]) throws(WireDecodingError) {
    let result: Result<[String: SymbolKind], WireDecodingError> = serialized.withUnsafeBytes {
      bytes in
      var walker = FileDescriptorSymbols()
      do throws(WireDecodingError) {
        try walker.readFile(bytes)
        return .success(walker.symbols)
      } catch {
        return .failure(error)
      }
    }
    self.symbols = try result.get()
  }

  private init() {}

  // FileDescriptorProto: 2 package, 4 message_type, 5 enum_type, 6 service, 7 extension.
  private mutating func readFile(_ bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
    let fields = try Self.lengthDelimitedFields(of: bytes)
    let package = fields.first { $0.number == 2 }.map { Self.string($0.bytes) } ?? ""
    let scope = package.isEmpty ? "" : package + "."
    for field in fields {
      switch field.number {
      case 4: try self.readMessage(field.bytes, scope: scope)
      case 5: try self.readEnum(field.bytes, scope: scope)
      case 6: try self.readService(field.bytes, scope: scope)
      case 7: try self.readNamed(field.bytes, scope: scope, kind: .field)
      default: break
      }
    }
  }

  // DescriptorProto: 1 name, 2 field, 3 nested_type, 4 enum_type, 6 extension, 8 oneof_decl.
  private mutating func readMessage(
    _ bytes: UnsafeRawBufferPointer,
    scope: String
  ) throws(WireDecodingError) {
    let fields = try Self.lengthDelimitedFields(of: bytes)
    let name = scope + Self.name(in: fields)
    self.symbols[name] = .message
    let inner = name + "."
    for field in fields {
      switch field.number {
      case 2, 6: try self.readNamed(field.bytes, scope: inner, kind: .field)
      case 3: try self.readMessage(field.bytes, scope: inner)
      case 4: try self.readEnum(field.bytes, scope: inner)
      case 8: try self.readNamed(field.bytes, scope: inner, kind: .oneof)
      default: break
      }
    }
  }

  // EnumDescriptorProto: 1 name, 2 value. Values are siblings of the enum.
  private mutating func readEnum(
    _ bytes: UnsafeRawBufferPointer,
    scope: String
  ) throws(WireDecodingError) {
    let fields = try Self.lengthDelimitedFields(of: bytes)
    self.symbols[scope + Self.name(in: fields)] = .enumeration
    for field in fields where field.number == 2 {
      try self.readNamed(field.bytes, scope: scope, kind: .enumValue)
    }
  }

  // ServiceDescriptorProto: 1 name, 2 method.
  private mutating func readService(
    _ bytes: UnsafeRawBufferPointer,
    scope: String
  ) throws(WireDecodingError) {
    let fields = try Self.lengthDelimitedFields(of: bytes)
    let name = scope + Self.name(in: fields)
    self.symbols[name] = .service
    for field in fields where field.number == 2 {
      try self.readNamed(field.bytes, scope: name + ".", kind: .method)
    }
  }

  /// A descriptor whose field 1 is its name and whose members do not matter here.
  private mutating func readNamed(
    _ bytes: UnsafeRawBufferPointer,
    scope: String,
    kind: SymbolKind
  ) throws(WireDecodingError) {
    self.symbols[scope + Self.name(in: try Self.lengthDelimitedFields(of: bytes))] = kind
  }

  private static func name(in fields: [(number: Int, bytes: UnsafeRawBufferPointer)]) -> String {
    fields.first { $0.number == 1 }.map { Self.string($0.bytes) } ?? ""
  }

  private static func string(_ bytes: UnsafeRawBufferPointer) -> String {
    String(decoding: bytes, as: UTF8.self)
  }

  /// The length-delimited fields of a message, in order; other fields are skipped.
  private static func lengthDelimitedFields(
    of bytes: UnsafeRawBufferPointer
  ) throws(WireDecodingError) -> [(number: Int, bytes: UnsafeRawBufferPointer)] {
    var decoder = ProtobufDecoder(bytes)
    var fields: [(number: Int, bytes: UnsafeRawBufferPointer)] = []
    while !decoder.isAtEnd {
      let (number, wireType) = try decoder.readTag()
      if wireType == .lengthDelimited {
        fields.append((number, try decoder.readLengthDelimited()))
      } else {
        try decoder.skipField(wireType: wireType)
      }
    }
    return fields
  }
}
