/// The well-known types' `.proto` files that come with the generator, and the Swift module that
/// holds their generated code.
///
/// ``ProtoLoader`` falls back to these texts when no import path has one of the files, so a
/// `.proto` file can `import "google/protobuf/timestamp.proto";` without the user copying it. The
/// generated Swift of a file that uses a well-known type imports ``moduleName`` instead of
/// declaring the type again; the texts are protobuf 3.21's, as `Protos/google/protobuf/` holds
/// them (`scripts/embed-well-known-protos.sh` copies them here).
///
/// ```swift
/// let loader = ProtoLoader(importPaths: ["Protos"]) { try? String(contentsOfFile: $0) }
/// // events.proto imports google/protobuf/timestamp.proto; no import path has it.
/// let set = try loader.load(["events.proto"])
/// WellKnownProtos.isWellKnown("google/protobuf/timestamp.proto")  // true
/// ```
public enum WellKnownProtos {
  /// The module that declares the well-known types' Swift code: `ProtobufWellKnownTypes`.
  public static let moduleName = "ProtobufWellKnownTypes"

  /// The text of each bundled file, by its name as imports spell it
  /// (`google/protobuf/timestamp.proto`).
  public static let sources: [String: String] = [
    "google/protobuf/any.proto": anySource,
    "google/protobuf/duration.proto": durationSource,
    "google/protobuf/empty.proto": emptySource,
    "google/protobuf/field_mask.proto": fieldMaskSource,
    "google/protobuf/struct.proto": structSource,
    "google/protobuf/timestamp.proto": timestampSource,
    "google/protobuf/wrappers.proto": wrappersSource,
  ]

  /// Whether `fileName` is one of the bundled files, whose Swift code lives in ``moduleName``.
  public static func isWellKnown(_ fileName: String) -> Bool {
    sources[fileName] != nil
  }
}
