import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A child process started with `posix_spawn`, with pipes for its three standard streams.
///
/// ``ExternalProcess`` does not use Foundation's `Process.run()`: on Linux (Swift 6.3) it lists
/// `/proc/self/fd` copying each entry's whole 256-byte name, which now and then reads past the
/// end of glibc's directory buffer and crashes the test process with a bad pointer dereference
/// in `memcpy` (swift-corelibs-foundation pull request 5472); the more children a suite starts,
/// the likelier. Here the child starts with no signal blocked or ignored (the threads async code
/// runs on block most signals, and a child inherits that mask), in its working directory, with
/// every descriptor but its standard streams closed.
struct SpawnedChild {
  /// The child's process ID.
  let processIdentifier: pid_t
  /// The write end of the child's standard input.
  let standardInput: Int32
  /// The read end of the child's standard output.
  let standardOutput: Int32
  /// The read end of the child's standard error.
  let standardError: Int32

  private typealias AddChangeDirectory =
    @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
  private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

  // glibc 2.29 and 2.34 have these, but Swift's Glibc module leaves out their GNU declarations.
  private static let addChangeDirectory = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
    unsafeBitCast($0, to: AddChangeDirectory.self)
  }
  private static let addCloseFrom = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
    unsafeBitCast($0, to: AddCloseFrom.self)
  }

  /// Starts `executable` with `arguments`.
  ///
  /// - Parameters:
  ///   - executable: The program's path (no `PATH` lookup).
  ///   - arguments: Its arguments, without the program name.
  ///   - environment: Its whole environment.
  ///   - workingDirectory: Its working directory; this process's when `nil`.
  /// - Throws: A message naming the step that failed.
  static func spawn(
    executable: String,
    arguments: [String],
    environment: [String: String],
    workingDirectory: String?
  ) throws(SpawnFailure) -> SpawnedChild {
    // Every end is close-on-exec (other children must not inherit them: a stray write end
    // would hold off the end of file); dup2 gives this child its ends without the flag.
    var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1], error: [Int32] = [-1, -1]
    guard pipe(&input) == 0, pipe(&output) == 0, pipe(&error) == 0 else {
      let reason = String(cString: strerror(errno))
      for fd in input + output + error where fd >= 0 { close(fd) }
      throw SpawnFailure("pipe: \(reason)")
    }
    for fd in input + output + error { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    defer {
      close(input[0])
      close(output[1])
      close(error[1])
    }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, input[0], 0)
    posix_spawn_file_actions_adddup2(&actions, output[1], 1)
    posix_spawn_file_actions_adddup2(&actions, error[1], 2)
    if let workingDirectory {
      guard let addChangeDirectory = Self.addChangeDirectory,
        addChangeDirectory(&actions, workingDirectory) == 0
      else {
        Self.closeParentEnds(input, output, error)
        throw SpawnFailure("cannot start in \(workingDirectory): posix_spawn_file_actions_addchdir_np failed")
      }
    }
    if let addCloseFrom = Self.addCloseFrom { _ = addCloseFrom(&actions, 3) }

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t(), allSignals = sigset_t()
    sigemptyset(&noSignals)
    sigfillset(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for string in argv + envp { free(string) } }
    var pid = pid_t()
    let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard result == 0 else {
      Self.closeParentEnds(input, output, error)
      throw SpawnFailure(String(cString: strerror(result)))
    }
    return SpawnedChild(
      processIdentifier: pid, standardInput: input[1], standardOutput: output[0], standardError: error[0])
  }

  private static func closeParentEnds(_ input: [Int32], _ output: [Int32], _ error: [Int32]) {
    close(input[1])
    close(output[0])
    close(error[0])
  }

  /// Blocks until the child ends, reaps it and returns how it ended.
  static func waitForExit(_ pid: pid_t) -> ExternalProcess.ExitStatus {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else { return .exited(-1) }
    }
    // WIFEXITED and friends are macros Swift does not import.
    let signal = status & 0x7F
    return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
  }
}

/// Why a child could not be started.
struct SpawnFailure: Error, CustomStringConvertible {
  var description: String

  init(_ description: String) {
    self.description = description
  }
}
