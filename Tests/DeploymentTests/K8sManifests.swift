import Foundation

/// The YAML documents under `k8s/`, parsed by PyYAML (which kubernetes-validate brings) and
/// handed over as JSON, so that the tests read the files as Kubernetes does, not as text.
struct K8sManifests {
  /// Each `.yaml` file's name and its documents, in order (empty documents left out).
  var files: [String: [YAMLNode]]

  /// Parses every `.yaml` file directly under `k8s/`.
  static func load() async throws -> K8sManifests {
    let script = """
      import json, os, yaml
      folder = "k8s"
      names = sorted(n for n in os.listdir(folder)
                     if n.endswith((".yaml", ".yml")) and not n.startswith("."))
      print(json.dumps({n: [d for d in yaml.safe_load_all(open(os.path.join(folder, n)))
                            if d is not None] for n in names}))
      """
    let result = try await CommandResult.run(.python3, ["-c", script])
    guard result.succeeded,
      let parsed = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: [Any]]
    else {
      throw DeploymentTestError("k8s/ could not be parsed: \(result)")
    }
    return K8sManifests(files: parsed.mapValues { $0.map(YAMLNode.init) })
  }

  /// The one document of `file`.
  ///
  /// - Throws: ``DeploymentTestError`` when the file is missing or holds another number of
  ///   documents.
  func document(_ file: String) throws -> YAMLNode {
    guard let documents = self.files[file], documents.count == 1 else {
      throw DeploymentTestError("k8s/\(file) is not one YAML document: \(self.files[file]?.count ?? 0)")
    }
    return documents[0]
  }

  /// Every document of `files`, with its file's name.
  func documents(in files: [String]) -> [(file: String, document: YAMLNode)] {
    files.flatMap { file in (self.files[file] ?? []).map { (file, $0) } }
  }
}

/// A value of a parsed YAML document (a JSON value), read by keys and indices; a path that does
/// not exist reads as a missing value instead of failing.
struct YAMLNode: CustomStringConvertible {
  /// The JSON value: dictionary, array, string, number, bool, `NSNull`, or `nil` when missing.
  var value: Any?

  init(_ value: Any?) {
    self.value = value is NSNull ? nil : value
  }

  subscript(key: String) -> YAMLNode {
    YAMLNode((self.value as? [String: Any])?[key])
  }

  subscript(index: Int) -> YAMLNode {
    guard let array = self.value as? [Any], array.indices.contains(index) else { return YAMLNode(nil) }
    return YAMLNode(array[index])
  }

  /// Whether the value is there.
  var exists: Bool { self.value != nil }
  var string: String? { self.value as? String }
  /// A number as an integer. (Foundation on Linux hands JSON numbers and booleans over as
  /// NSNumber, which casts to both Int and Bool: kubernetes-validate checks the fields' types.)
  var int: Int? { self.value as? Int }
  var bool: Bool? { self.value as? Bool }
  /// The elements of an array; empty for anything else.
  var array: [YAMLNode] { (self.value as? [Any] ?? []).map(YAMLNode.init) }
  /// A dictionary's string values (labels, annotations, matchLabels); empty for anything else.
  var strings: [String: String] {
    (self.value as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
  }

  var description: String {
    guard let value = self.value else { return "(missing)" }
    guard JSONSerialization.isValidJSONObject(value),
      let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    else { return "\(value)" }
    return String(decoding: data, as: UTF8.self)
  }
}

extension YAMLNode {
  /// A Deployment's pod template spec.
  var podSpec: YAMLNode { self["spec"]["template"]["spec"] }

  /// The pod spec's container named `name`.
  func container(_ name: String) -> YAMLNode {
    self["containers"].array.first { $0["name"].string == name } ?? YAMLNode(nil)
  }

  /// The value of `flag` in a container's `args`, written `--flag=value` or `--flag value`.
  func argument(_ flag: String) -> String? {
    let arguments = self["args"].array.compactMap(\.string)
    for (index, argument) in arguments.enumerated() {
      if argument.hasPrefix(flag + "=") { return String(argument.dropFirst(flag.count + 1)) }
      if argument == flag, index + 1 < arguments.count { return arguments[index + 1] }
    }
    return nil
  }

  /// A container's environment variable named `name`.
  func environment(_ name: String) -> YAMLNode {
    self["env"].array.first { $0["name"].string == name } ?? YAMLNode(nil)
  }

  /// The file a container reads at `path` comes from a volume: the mount whose folder is the
  /// path's folder, its volume in `podSpec`, and the key of that volume the file holds.
  /// `nil` when no mounted volume provides the file.
  func mountedFile(
    _ path: String,
    podSpec: YAMLNode
  ) -> (volume: YAMLNode, key: String, subPath: Bool)? {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    let file = url.lastPathComponent
    guard
      let mount = self["volumeMounts"].array.first(where: {
        URL(fileURLWithPath: $0["mountPath"].string ?? "").standardized.path == folder
      }),
      let volume = podSpec["volumes"].array.first(where: { $0["name"].string == mount["name"].string })
    else { return nil }
    let source = volume["secret"].exists ? volume["secret"] : volume["configMap"]
    let items = source["items"].array
    if items.isEmpty { return (volume, file, mount["subPath"].exists) }
    guard let item = items.first(where: { $0["path"].string == file }), let key = item["key"].string
    else { return nil }
    return (volume, key, mount["subPath"].exists)
  }
}

/// The package's version, as `Sources/GRPCKit/Core/ProjectVersion.swift` states it.
enum ProjectVersionFile {
  static func current() throws -> String {
    let text = try String(
      contentsOf: RepositoryLayout.root
        .appendingPathComponent("Sources/GRPCKit/Core/ProjectVersion.swift"),
      encoding: .utf8
    )
    guard let range = text.range(of: #"static let current = ""#) else {
      throw DeploymentTestError("ProjectVersion.swift has no `static let current = \"...\"`")
    }
    return String(text[range.upperBound...].prefix { $0 != "\"" })
  }
}
