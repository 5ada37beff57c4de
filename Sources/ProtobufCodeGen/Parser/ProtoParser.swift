/// Parses the text of one proto3 file into a ``ProtoFile``.
///
/// The result is unresolved: field types are ``ProtoFieldType/scalar(_:)``, ``ProtoFieldType/named(_:)``
/// or ``ProtoFieldType/map(key:value:)``, and method types are as written. ``ProtoLoader`` parses every
/// file of a set and resolves the names.
///
/// ```swift
/// let file = try ProtoParser.parse(
///   source,
///   fileName: "grpc/health/v1/health.proto",
///   diagnosticPath: "Protos/grpc/health/v1/health.proto"
/// )
/// print(file.services.map(\.fullName))  // ["grpc.health.v1.Health"]
/// ```
public enum ProtoParser {
  /// Parses one file.
  ///
  /// - Parameters:
  ///   - source: The file's text.
  ///   - fileName: The name imports use (relative to an import path); becomes ``ProtoFile/name``.
  ///   - diagnosticPath: The path to show in diagnostics; becomes ``SourceLocation/file`` of every location.
  /// - Returns: The file's declarations, with comments and source locations.
  /// - Throws: The first problem found: ``CodeGenError/Code/syntaxError`` for text that does not follow the
  ///   proto3 grammar (or uses proto2-only constructs), ``CodeGenError/Code/unsupportedSyntax`` when the file
  ///   does not start with `syntax = "proto3";`.
  public static func parse(
    _ source: String,
    fileName: String,
    diagnosticPath: String
  ) throws(CodeGenError) -> ProtoFile {
    var parser = try ProtoFileParser(source: source, fileName: fileName, path: diagnosticPath)
    return try parser.parseFile()
  }
}
