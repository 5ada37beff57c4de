/// Command lines as the interop runners of other gRPC implementations write them.
///
/// Their boolean flags take a value (`--use_tls=true`, `--use_tls false`), while a person types
/// `--use_tls`; ``normalize(_:booleanFlags:)`` turns every form into the bare flag or nothing.
///
/// ```swift
/// InteropArguments.normalize(["--use_tls=true", "--use_test_ca", "false"], booleanFlags: ["use_tls", "use_test_ca"])
/// // ["--use_tls"]
/// ```
public enum InteropArguments {
  /// Rewrites the boolean flags named in `booleanFlags` (without dashes): `--name=true` and
  /// `--name true` become `--name`, `--name=false` and `--name false` disappear. Other
  /// arguments, and values other than `true` and `false`, are left for the parser to judge.
  ///
  /// - Parameters:
  ///   - arguments: The command line without the program name.
  ///   - booleanFlags: The names of the boolean flags.
  /// - Returns: The command line with each boolean flag bare or absent.
  public static func normalize(_ arguments: [String], booleanFlags: Set<String>) -> [String] {
    var result: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      guard argument.hasPrefix("--") else {
        result.append(argument)
        continue
      }
      let body = argument.dropFirst(2)
      if let equals = body.firstIndex(of: "="), booleanFlags.contains(String(body[..<equals])) {
        switch body[body.index(after: equals)...] {
        case "true": result.append("--" + body[..<equals])
        case "false": break
        default: result.append(argument)
        }
      } else if booleanFlags.contains(String(body)) {
        if index < arguments.count, arguments[index] == "true" || arguments[index] == "false" {
          if arguments[index] == "true" { result.append(argument) }
          index += 1
        } else {
          result.append(argument)
        }
      } else {
        result.append(argument)
      }
    }
    return result
  }
}
