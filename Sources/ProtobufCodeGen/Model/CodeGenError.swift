/// A problem in a `.proto` file, reported like a compiler diagnostic:
/// `file:line:column: error: message`.
public struct CodeGenError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What kind of problem it is, so tests and tools can match on it.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Wrapped: String, Hashable, Sendable {
      case syntaxError = "syntax error"
      case unsupportedSyntax = "unsupported syntax"
      case unknownType = "unknown type"
      case duplicateName = "duplicate name"
      case duplicateFieldNumber = "duplicate field number"
      case fieldNumberOutOfRange = "field number out of range"
      case reservedNumber = "reserved number"
      case reservedName = "reserved name"
      case missingImport = "missing import"
      case importNotFound = "import not found"
      case importCycle = "import cycle"
      case invalidEnum = "invalid enum"
      case invalidMap = "invalid map"
      case invalidOption = "invalid option"
      case invalidType = "invalid type"
    }

    private let wrapped: Wrapped
    private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

    /// The text does not follow the proto3 grammar.
    public static let syntaxError = Code(.syntaxError)
    /// `syntax` is not `"proto3"`.
    public static let unsupportedSyntax = Code(.unsupportedSyntax)
    /// A type name resolves to nothing.
    public static let unknownType = Code(.unknownType)
    /// Two declarations share a name in one scope.
    public static let duplicateName = Code(.duplicateName)
    /// Two fields of a message share a number, or two enum values without `allow_alias`.
    public static let duplicateFieldNumber = Code(.duplicateFieldNumber)
    /// A field number outside 1...536870911 or in 19000...19999.
    public static let fieldNumberOutOfRange = Code(.fieldNumberOutOfRange)
    /// A field or enum value uses a number listed in `reserved`.
    public static let reservedNumber = Code(.reservedNumber)
    /// A field or enum value uses a name listed in `reserved`.
    public static let reservedName = Code(.reservedName)
    /// A type is defined in a file that is not imported.
    public static let missingImport = Code(.missingImport)
    /// An imported file is in none of the import paths.
    public static let importNotFound = Code(.importNotFound)
    /// Files import each other in a cycle.
    public static let importCycle = Code(.importCycle)
    /// An enum without a zero first value, or with no values.
    public static let invalidEnum = Code(.invalidEnum)
    /// A map with a disallowed key type, or a `repeated`/`optional` map.
    public static let invalidMap = Code(.invalidMap)
    /// A known option with a value of the wrong kind (`packed = "yes"`).
    public static let invalidOption = Code(.invalidOption)
    /// A name used as a type that is not one (a service, a package), or an RPC type that is not a message.
    public static let invalidType = Code(.invalidType)

    public var description: String { wrapped.rawValue }
  }

  public var code: Code
  /// What is wrong, naming the rule (`field number 0 is out of range; field numbers are 1 to 536870911`).
  public var message: String
  public var location: SourceLocation

  public init(_ code: Code, _ message: String, at location: SourceLocation) {
    self.code = code
    self.message = message
    self.location = location
  }

  /// The diagnostic line compilers and IDEs understand.
  public var description: String { "\(location): error: \(message)" }
}
