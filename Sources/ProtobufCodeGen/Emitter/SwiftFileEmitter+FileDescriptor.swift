extension SwiftFileEmitter {
  /// `<Prefix><FileName>Proto.fileDescriptor`: the file's serialized `FileDescriptorProto`, its
  /// dependencies and the symbols it declares, for server reflection.
  mutating func emitFileDescriptor() {
    let basename = file.name.split(separator: "/").last.map(String.init) ?? file.name
    let stem = basename.hasSuffix(".proto") ? String(basename.dropLast(".proto".count)) : basename
    let typeName =
      SwiftNames.typePrefix(package: file.package) + SwiftNames.upperCamelCase(stem) + "Proto"
    let bytes = FileDescriptorEncoder.encode(file)

    line("/// The descriptor of `\(file.name)`, as server reflection serves it.")
    block("\(visibility) enum \(typeName) {") { body in
      body.line("\(body.visibility) static let fileDescriptor = ProtobufFileDescriptor(")
      body.indented { body in
        body.line("name: \(Self.stringLiteral(body.file.name)),")
        body.line("package: \(Self.stringLiteral(body.file.package)),")
        body.emitStringArrayArgument("dependencies", body.file.imports.map(\.path))
        body.emitStringArrayArgument("symbols", Self.symbols(of: body.file))
        if bytes.isEmpty {
          body.line("serializedProto: []")
        } else {
          body.block("serializedProto: [", closer: "]") { body in
            for start in stride(from: 0, to: bytes.count, by: 16) {
              let row = bytes[start ..< min(start + 16, bytes.count)]
              body.line(row.map(Self.hexLiteral).joined(separator: ", ") + ",")
            }
          }
        }
      }
      body.line(")")
    }
  }

  /// Fully-qualified names of the file's messages (nested ones after their parent), enums and services.
  static func symbols(of file: ProtoFile) -> [String] {
    func symbols(of message: ProtoMessage) -> [String] {
      [message.fullName] + message.messages.flatMap(symbols(of:)) + message.enums.map(\.fullName)
    }
    return file.messages.flatMap(symbols(of:)) + file.enums.map(\.fullName)
      + file.services.map(\.fullName)
  }

  /// `label: ["a", "b"],` on one line when it fits in 100 columns, else one string per line.
  private mutating func emitStringArrayArgument(_ label: String, _ strings: [String]) {
    let literals = strings.map(Self.stringLiteral)
    let oneLine = "\(label): [\(literals.joined(separator: ", "))],"
    if 2 * depth + oneLine.count <= 100 {
      line(oneLine)
    } else {
      block("\(label): [", closer: "],") { body in
        for literal in literals { body.line(literal + ",") }
      }
    }
  }

  private static func hexLiteral(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
  }
}
