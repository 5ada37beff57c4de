extension CodeGenRunner {
  /// The parsed command line.
  struct Arguments {
    var protoPaths: [String] = []
    var outputDirectory = ""
    var visibility = SwiftEmitterOptions.Visibility.public
    /// `false` after `--no-services`: services keep only their descriptors.
    var generatesServiceStubs = true
    /// `true` after `--generate-well-known-types`: the well-known files are declared in full.
    var generatesWellKnownTypes = false
    var files: [String] = []
    var showsHelp = false

    /// Parses `--option value` and `--option=value` forms.
    ///
    /// - Throws: ``UsageError`` naming the option or the missing argument.
    init(parsing arguments: [String]) throws(UsageError) {
      var outputDirectory: String?
      var remaining = arguments[...]
      while let argument = remaining.popFirst() {
        guard argument.hasPrefix("-"), argument != "-" else {
          files.append(argument)
          continue
        }
        if argument == "--" {
          files.append(contentsOf: remaining)
          break
        }
        if argument == "--help" || argument == "-h" {
          showsHelp = true
          continue
        }
        if argument == "--no-services" {
          generatesServiceStubs = false
          continue
        }
        if argument == "--generate-well-known-types" {
          generatesWellKnownTypes = true
          continue
        }
        var name = argument
        var value: String?
        if let equals = argument.firstIndex(of: "=") {
          name = String(argument[..<equals])
          value = String(argument[argument.index(after: equals)...])
        }
        guard ["--proto-path", "--output-dir", "--visibility"].contains(name) else {
          throw UsageError("unknown option '\(name)'")
        }
        guard let value = value ?? remaining.popFirst(), !value.isEmpty else {
          throw UsageError("option '\(name)' needs a value")
        }
        switch name {
        case "--proto-path":
          protoPaths.append(value)
        case "--output-dir":
          outputDirectory = value
        default:
          guard let visibility = SwiftEmitterOptions.Visibility(rawValue: value) else {
            throw UsageError("--visibility is '\(value)'; it must be public, package or internal")
          }
          self.visibility = visibility
        }
      }
      if showsHelp { return }
      guard let outputDirectory else { throw UsageError("--output-dir is required") }
      guard !files.isEmpty else {
        throw UsageError("no input files; name at least one .proto file")
      }
      self.outputDirectory = outputDirectory
      if protoPaths.isEmpty { protoPaths = ["."] }
    }
  }

  /// Wrong command-line arguments.
  struct UsageError: Error {
    var message: String
    init(_ message: String) { self.message = message }
  }
}
