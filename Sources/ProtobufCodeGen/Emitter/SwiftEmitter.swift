/// Generates the Swift source of one `.proto` file: a struct per message, an enum per enum, a
/// namespace enum per service (descriptors, a `ServiceProtocol` for servers and a `Client`), and
/// the file's serialized descriptor for server reflection.
///
/// The well-known files (``WellKnownProtos``) are declared once, in their own module: elsewhere
/// their output is a comment, and files that use their types import that module.
///
/// ```swift
/// let set = try ProtoLoader(importPaths: ["Protos"], readFile: read).load(["chat.proto"])
/// for file in set.files {
///   let swift = SwiftEmitter.generate(file, in: set, options: SwiftEmitterOptions())
/// }
/// ```
public enum SwiftEmitter {
  /// Generates the Swift source of `file`.
  ///
  /// - Parameters:
  ///   - file: A resolved file from `set`.
  ///   - set: The loaded files: every type `file` refers to is named after the file that declares it.
  ///   - options: The access level of the generated declarations, whether services get stubs,
  ///     and whether this is the well-known types' module.
  /// - Returns: The contents of the `.pb.swift` file.
  public static func generate(
    _ file: ProtoFile,
    in set: ProtoFileSet,
    options: SwiftEmitterOptions
  ) -> String {
    var emitter = SwiftFileEmitter(
      file: file,
      types: SwiftTypeTable(files: set.files),
      cycles: MessageCycles(files: set.files),
      visibility: options.visibility.rawValue,
      generatesServiceStubs: options.generatesServiceStubs,
      generatesWellKnownTypes: options.generatesWellKnownTypes
    )
    emitter.emitFile()
    return emitter.output
  }
}
