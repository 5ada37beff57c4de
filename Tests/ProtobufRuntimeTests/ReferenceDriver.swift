import Foundation

/// The libprotobuf-c side of the differential tests: `Reference/reference.c` compiled with the
/// protoc-c output for rich.proto and chat.proto, once per test run.
///
/// Records cross the process boundary as files of 4-byte little-endian lengths followed by
/// that many bytes; canonical lines come back one per record (see reference.c).
struct ReferenceDriver: Sendable {
  /// Why the reference driver could not be built or run; the message says what to install or
  /// which command failed.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// What `generate` made: the packed records and the canonical line of each message.
  struct Generated {
    var records: [[UInt8]]
    var lines: [String]
  }

  /// The driver built for this test run, or why it could not be built.
  static let shared = Result { () throws(Failure) in try ReferenceDriver.build() }

  private let executable: URL
  private let workDirectory: URL

  /// Unpacks each record as `messageName` and returns libprotobuf-c's canonical line for it
  /// (`ERROR ...` for records it rejects).
  func dump(_ messageName: String, records: [[UInt8]]) throws(Failure) -> [String] {
    let input = try write(records)
    let output = temporaryFile("lines")
    defer { remove(input, output) }
    try run(["dump", messageName, input.path, output.path])
    return try readLines(output)
  }

  /// Builds `count` random messages in C from `seed`; `maps: false` leaves every map empty.
  func generate(
    _ messageName: String,
    count: Int,
    seed: UInt64,
    maps: Bool = true
  ) throws(Failure) -> Generated {
    let records = temporaryFile("records")
    let lines = temporaryFile("lines")
    defer { remove(records, lines) }
    try run(
      ["generate", messageName, String(count), String(seed), records.path, lines.path]
        + (maps ? [] : ["no-maps"])
    )
    return Generated(records: try readRecords(records), lines: try readLines(lines))
  }

  /// Unpacks each record as `messageName` and packs it again, unknown fields included.
  func repack(_ messageName: String, records: [[UInt8]]) throws(Failure) -> [[UInt8]] {
    let input = try write(records)
    let output = temporaryFile("records")
    defer { remove(input, output) }
    try run(["repack", messageName, input.path, output.path])
    return try readRecords(output)
  }

  /// Checks the tools, then compiles the driver into a directory named after a hash of its
  /// inputs, so that test runs share one build instead of leaving one each in the temporary
  /// directory.
  private static func build() throws(Failure) -> ReferenceDriver {
    let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    let source = testsDirectory.appendingPathComponent("Reference/reference.c")
    let protos = [
      testsDirectory.appendingPathComponent("rich.proto"),
      testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protos/chat.proto"),
    ]

    let protocC = try tool("protoc-c", apt: "protobuf-c-compiler")
    let cc = try tool("cc", apt: "gcc")
    let pkgConfig = try tool("pkg-config", apt: "pkg-config")
    let flags: String
    do {
      flags = try execute(pkgConfig, ["--cflags", "--libs", "libprotobuf-c"])
    } catch {
      throw Failure(
        description: "libprotobuf-c is not installed (apt-get install libprotobuf-c-dev): \(error)"
      )
    }

    var inputs = Data()
    for file in [source] + protos { inputs.append(try read(file)) }
    let temporary = FileManager.default.temporaryDirectory
    let shared = temporary.appendingPathComponent(
      "protobuf-differential-\(String(fnv1a(inputs), radix: 16))"
    )
    let executable = shared.appendingPathComponent("reference")
    if FileManager.default.isExecutableFile(atPath: executable.path) {
      return ReferenceDriver(executable: executable, workDirectory: shared)
    }

    let work = temporary.appendingPathComponent("protobuf-differential-\(UUID().uuidString)")
    do {
      try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    } catch {
      throw Failure(description: "cannot create \(work.path): \(error)")
    }
    try execute(
      protocC,
      ["--c_out=\(work.path)"] + protos.map { "-I\($0.deletingLastPathComponent().path)" }
        + protos.map(\.lastPathComponent)
    )
    let sources =
      [source.path] + ["rich.pb-c.c", "chat.pb-c.c"].map { work.appendingPathComponent($0).path }
    let linkFlags = flags.split(whereSeparator: \.isWhitespace).map(String.init)
    let output = work.appendingPathComponent("reference").path
    try execute(cc, ["-O1"] + sources + ["-I", work.path] + linkFlags + ["-lm", "-o", output])

    // Publish the build; if another run published first, use that one and drop this one.
    if (try? FileManager.default.moveItem(at: work, to: shared)) == nil {
      guard FileManager.default.isExecutableFile(atPath: executable.path) else {
        return ReferenceDriver(executable: URL(fileURLWithPath: output), workDirectory: work)
      }
      try? FileManager.default.removeItem(at: work)
    }
    return ReferenceDriver(executable: executable, workDirectory: shared)
  }

  /// 64-bit FNV-1a: a hash that, unlike `Hasher`, is the same in every process.
  private static func fnv1a(_ data: Data) -> UInt64 {
    data.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
  }

  /// The first executable called `name` on PATH.
  private static func tool(_ name: String, apt package: String) throws(Failure) -> URL {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw Failure(description: "\(name) is not on PATH; install it with apt-get install \(package)")
  }

  /// Runs a command to completion and returns its output (stdout and stderr together).
  @discardableResult
  private static func execute(_ executable: URL, _ arguments: [String]) throws(Failure) -> String {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do {
      try process.run()
    } catch {
      throw Failure(description: "cannot run \(executable.path): \(error)")
    }
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      let command = ([executable.path] + arguments).joined(separator: " ")
      throw Failure(
        description: "`\(command)` failed with status \(process.terminationStatus):\n\(output)"
      )
    }
    return output
  }

  private func run(_ arguments: [String]) throws(Failure) {
    try Self.execute(executable, arguments)
  }

  private func temporaryFile(_ kind: String) -> URL {
    workDirectory.appendingPathComponent("\(UUID().uuidString).\(kind)")
  }

  private func remove(_ files: URL...) {
    for file in files { try? FileManager.default.removeItem(at: file) }
  }

  private func write(_ records: [[UInt8]]) throws(Failure) -> URL {
    var data = Data()
    for record in records {
      let length = UInt32(record.count)
      data.append(contentsOf: [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: length >> $0) })
      data.append(contentsOf: record)
    }
    let file = temporaryFile("records")
    do {
      try data.write(to: file)
    } catch {
      throw Failure(description: "cannot write \(file.path): \(error)")
    }
    return file
  }

  private func readRecords(_ file: URL) throws(Failure) -> [[UInt8]] {
    let bytes = try [UInt8](Self.read(file))
    var records: [[UInt8]] = []
    var offset = 0
    while offset + 4 <= bytes.count {
      let length = (0 ..< 4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
      guard offset + 4 + length <= bytes.count else { break }
      records.append(Array(bytes[(offset + 4) ..< (offset + 4 + length)]))
      offset += 4 + length
    }
    guard offset == bytes.count else {
      throw Failure(description: "\(file.path) ends with a truncated record at byte \(offset)")
    }
    return records
  }

  private func readLines(_ file: URL) throws(Failure) -> [String] {
    String(decoding: try Self.read(file), as: UTF8.self).split(
      separator: "\n",
      omittingEmptySubsequences: false
    )
    .dropLast().map(String.init)
  }

  private static func read(_ file: URL) throws(Failure) -> Data {
    do {
      return try Data(contentsOf: file)
    } catch {
      throw Failure(description: "cannot read \(file.path): \(error)")
    }
  }
}
