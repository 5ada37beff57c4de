/// Finds `.proto` files in import paths, like protoc's `-I`, and parses and resolves them with their imports.
///
/// The loader does no I/O itself: it asks `readFile` for each candidate path, so the command-line tool
/// reads from disk and tests read from memory. A file that no import path has is taken from the
/// bundled files, by default the well-known types (``WellKnownProtos``), so that
/// `import "google/protobuf/timestamp.proto";` needs no import path.
///
/// ```swift
/// let loader = ProtoLoader(importPaths: ["Protos"]) { path in
///   try? String(contentsOfFile: path, encoding: .utf8)
/// }
/// let set = try loader.load(["grpc/health/v1/health.proto"])
/// let request = set.message(named: "grpc.health.v1.HealthCheckRequest")
/// ```
public struct ProtoLoader: Sendable {
  /// The directories to search, in order.
  public var importPaths: [String]
  /// The text of files searched after every import path, by name.
  public var bundledFiles: [String: String]
  private let readFile: @Sendable (String) -> String?

  /// Creates a loader.
  ///
  /// - Parameters:
  ///   - importPaths: The directories to search, in order. `""` or `"."` means names are used as they are;
  ///     no paths at all means the same as `[""]`.
  ///   - bundledFiles: The text of files to use when no import path has them, by name; the
  ///     well-known types' files (``WellKnownProtos/sources``) by default.
  ///   - readFile: Returns the text of the file at a path (`importPath + "/" + name`, or the name alone),
  ///     or nil when there is no such file.
  public init(
    importPaths: [String],
    bundledFiles: [String: String] = WellKnownProtos.sources,
    readFile: @escaping @Sendable (String) -> String?
  ) {
    self.importPaths = importPaths
    self.bundledFiles = bundledFiles
    self.readFile = readFile
  }

  /// Loads files and, transitively, their imports; parses and resolves them all.
  ///
  /// - Parameter fileNames: Names relative to an import path (`grpc/health/v1/health.proto`).
  /// - Returns: The resolved files, imports before importers.
  /// - Throws: Every problem found, sorted by file, line and column: the first syntax error of each file,
  ///   imports that are missing or form a cycle, and then every name and rule error of the whole set.
  public func load(_ fileNames: [String]) throws(CodeGenDiagnostics) -> ProtoFileSet {
    var state = LoadState()
    for name in fileNames { visit(name, importedBy: nil, state: &state) }
    guard state.errors.isEmpty else { throw Self.sorted(state.errors) }
    let files = state.order.compactMap { state.parsed[$0] }
    let table = ProtoSymbolTable(files: files)
    var errors = table.errors
    var resolvedFiles: [ProtoFile] = []
    for file in files {
      var resolver = ProtoTypeResolver(
        table: table,
        fileName: file.name,
        visibleFiles: Self.visibleFiles(from: file, parsed: state.parsed)
      )
      let resolved = resolver.resolve(file)
      errors += resolver.errors + ProtoValidator.validate(resolved)
      resolvedFiles.append(resolved)
    }
    guard errors.isEmpty else { throw Self.sorted(errors) }
    return ProtoFileSet(files: resolvedFiles)
  }

  /// What a depth-first walk over the imports has found so far.
  private struct LoadState {
    var parsed: [String: ProtoFile] = [:]
    /// File names in dependency order.
    var order: [String] = []
    /// Files being visited: the current import chain, for cycle detection.
    var chain: [String] = []
    /// Files that could not be read or parsed, so they are tried only once.
    var failed: Set<String> = []
    var errors: [CodeGenError] = []
  }

  private func visit(_ name: String, importedBy statement: ProtoImport?, state: inout LoadState) {
    if let start = state.chain.firstIndex(of: name) {
      let cycle = (state.chain[start...] + [name]).joined(separator: " -> ")
      let location = statement?.location ?? Self.fileLocation(name)
      state.errors.append(CodeGenError(.importCycle, "import cycle: \(cycle)", at: location))
      return
    }
    guard state.parsed[name] == nil, !state.failed.contains(name) else { return }
    guard let (path, source) = read(name) else {
      state.failed.insert(name)
      let searched = searchPaths.map { $0.isEmpty ? "." : $0 }.joined(separator: ", ")
      let message =
        statement == nil
        ? "file \"\(name)\" was not found in import paths: \(searched)"
        : "import \"\(name)\" was not found in import paths: \(searched)"
      state.errors.append(
        CodeGenError(.importNotFound, message, at: statement?.location ?? Self.fileLocation(name))
      )
      return
    }
    let file: ProtoFile
    do throws(CodeGenError) {
      file = try ProtoParser.parse(source, fileName: name, diagnosticPath: path)
    } catch {
      state.failed.insert(name)
      state.errors.append(error)
      return
    }
    state.parsed[name] = file
    state.chain.append(name)
    var imported: Set<String> = []
    for statement in file.imports {
      guard imported.insert(statement.path).inserted else {
        let message = "\"\(statement.path)\" is imported twice"
        state.errors.append(CodeGenError(.duplicateName, message, at: statement.location))
        continue
      }
      visit(statement.path, importedBy: statement, state: &state)
    }
    state.chain.removeLast()
    state.order.append(name)
  }

  private var searchPaths: [String] { importPaths.isEmpty ? [""] : importPaths }

  /// The first import path that has `name`, and the file's text; else the bundled file, whose
  /// diagnostics name it as imports do.
  private func read(_ name: String) -> (path: String, source: String)? {
    for importPath in searchPaths {
      let path: String
      if importPath.isEmpty || importPath == "." {
        path = name
      } else {
        path = importPath.hasSuffix("/") ? importPath + name : "\(importPath)/\(name)"
      }
      if let source = readFile(path) { return (path, source) }
    }
    return bundledFiles[name].map { (name, $0) }
  }

  /// Where to report a problem with a file named on the command line rather than in an import.
  private static func fileLocation(_ name: String) -> SourceLocation {
    SourceLocation(file: name, line: 1, column: 1)
  }

  /// The file itself, the files it imports, and the files those reach through `import public`.
  private static func visibleFiles(from file: ProtoFile, parsed: [String: ProtoFile]) -> Set<String>
  {
    var visible: Set<String> = [file.name]
    var pending = file.imports.map(\.path)
    while let name = pending.popLast() {
      guard visible.insert(name).inserted, let imported = parsed[name] else { continue }
      pending += imported.imports.filter { $0.kind == .public }.map(\.path)
    }
    return visible
  }

  private static func sorted(_ errors: [CodeGenError]) -> CodeGenDiagnostics {
    let sorted = errors.enumerated().sorted { left, right in
      let (a, b) = (left.element.location, right.element.location)
      if a.file != b.file { return a.file < b.file }
      if a.line != b.line { return a.line < b.line }
      if a.column != b.column { return a.column < b.column }
      return left.offset < right.offset
    }
    return CodeGenDiagnostics(errors: sorted.map(\.element))
  }
}
