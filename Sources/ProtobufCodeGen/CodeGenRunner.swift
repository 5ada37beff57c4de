/// The `protobuf-codegen` command without its process: parses arguments, loads the `.proto` files,
/// and writes one `.pb.swift` file per input.
///
/// The executable supplies real file I/O; tests run it in-process with an in-memory file system.
///
/// ```swift
/// let runner = CodeGenRunner(fileSystem: fileSystem)
/// let status = runner.run(
///   arguments: ["--proto-path", "Protos", "--output-dir", "out", "chat.proto"],
///   standardError: { print($0) }
/// )
/// // status == 0 and out/chat.pb.swift is written.
/// ```
public struct CodeGenRunner: Sendable {
  /// The file operations the runner needs.
  public struct FileSystem: Sendable {
    /// Returns the contents of the file at a path, or `nil` when it cannot be read.
    public var readFile: @Sendable (String) -> String?
    /// Writes contents to the file at a path, creating or replacing it.
    public var writeFile: @Sendable (String, String) throws -> Void

    /// - Parameters:
    ///   - readFile: Returns the contents of the file at a path, or `nil` when it cannot be read.
    ///   - writeFile: Writes `(path, contents)`.
    public init(
      readFile: @escaping @Sendable (String) -> String?,
      writeFile: @escaping @Sendable (String, String) throws -> Void
    ) {
      self.readFile = readFile
      self.writeFile = writeFile
    }
  }

  /// Exit status after success.
  public static let success: Int32 = 0
  /// Exit status when a `.proto` file has errors or an output cannot be written.
  public static let failure: Int32 = 1
  /// Exit status when the arguments are wrong.
  public static let usageFailure: Int32 = 2

  /// The usage line printed with argument errors.
  public static let usage =
    "usage: protobuf-codegen [--proto-path DIR]... --output-dir DIR [--visibility public|package|internal] [--no-services] [--generate-well-known-types] FILE..."

  private let fileSystem: FileSystem

  /// - Parameter fileSystem: Where `.proto` files are read and `.pb.swift` files written.
  public init(fileSystem: FileSystem) {
    self.fileSystem = fileSystem
  }

  /// Parses arguments like the executable and generates the files they name.
  ///
  /// Each `FILE` is a name relative to a proto path (as `import` statements name it), or a path
  /// that starts with a proto path, which is then stripped. The proto path defaults to `.`.
  /// The output for `grpc/health/v1/health.proto` is `grpc_health_v1_health.pb.swift`.
  /// `--no-services` leaves out the server protocols and clients (and the `GRPCKit` import), for
  /// targets that only need messages and descriptors.
  ///
  /// Imports of the well-known types (`google/protobuf/timestamp.proto`, ...) resolve without a
  /// proto path that has them (``WellKnownProtos``), and their types are left to the
  /// `ProtobufWellKnownTypes` module: files that use them import it, and a well-known file named
  /// as a `FILE` gets only a comment that points there. `--generate-well-known-types` generates
  /// them in full instead, for that module itself.
  ///
  /// - Parameters:
  ///   - arguments: The command-line arguments, without the program name.
  ///   - standardError: Receives each diagnostic line (`path:line:column: error: message`) or the
  ///     usage error.
  /// - Returns: ``success``, ``failure`` (diagnostics) or ``usageFailure`` (bad arguments).
  public func run(arguments: [String], standardError: (String) -> Void) -> Int32 {
    let parsed: Arguments
    do {
      parsed = try Arguments(parsing: arguments)
    } catch {
      standardError("error: \(error.message)")
      standardError(Self.usage)
      return Self.usageFailure
    }
    if parsed.showsHelp {
      standardError(Self.usage)
      return Self.success
    }

    let names = parsed.files.map { Self.protoName(of: $0, protoPaths: parsed.protoPaths) }
    let set: ProtoFileSet
    do {
      set = try ProtoLoader(importPaths: parsed.protoPaths, readFile: fileSystem.readFile).load(
        names
      )
    } catch {
      for diagnostic in error.errors { standardError(diagnostic.description) }
      return Self.failure
    }

    let options = SwiftEmitterOptions(
      visibility: parsed.visibility,
      generatesServiceStubs: parsed.generatesServiceStubs,
      generatesWellKnownTypes: parsed.generatesWellKnownTypes
    )
    for name in names {
      guard let file = set.file(named: name) else { continue }
      let path = Self.join(parsed.outputDirectory, Self.outputName(of: name))
      do {
        try fileSystem.writeFile(path, SwiftEmitter.generate(file, in: set, options: options))
      } catch {
        standardError("\(path): error: cannot write the generated file: \(error)")
        return Self.failure
      }
    }
    return Self.success
  }

  /// The generated file's name: `grpc/health/v1/health.proto` → `grpc_health_v1_health.pb.swift`.
  public static func outputName(of protoName: String) -> String {
    let stem =
      protoName.hasSuffix(".proto") ? String(protoName.dropLast(".proto".count)) : protoName
    return String(stem.map { $0 == "/" || $0 == "." ? "_" : $0 }) + ".pb.swift"
  }

  /// `file` relative to the first proto path it starts with, or `file` itself.
  static func protoName(of file: String, protoPaths: [String]) -> String {
    for protoPath in protoPaths {
      var directory = Substring(protoPath)
      while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
      let prefix = directory.hasSuffix("/") ? String(directory) : directory + "/"
      if file.hasPrefix(prefix) { return String(file.dropFirst(prefix.count)) }
    }
    return file.hasPrefix("./") ? String(file.dropFirst(2)) : file
  }

  private static func join(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }
}
