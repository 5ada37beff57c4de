// A google.protobuf.FieldMask names fields by path (`user.display_name`), for partial reads and
// updates. It is made from a literal of paths:
//
//   let mask: Google_Protobuf_FieldMask = ["user.display_name", "message"]
//   mask.covers("user.display_name.first")  // true: inside a listed path

extension Google_Protobuf_FieldMask: ExpressibleByArrayLiteral {
  /// A mask of these paths, in the order given.
  public init(arrayLiteral paths: String...) {
    self.init(paths: paths)
  }

  /// Whether `path` is selected: it is one of the mask's paths, or lies inside one (`a.b` is
  /// inside `a`, while `ab` is not).
  public func covers(_ path: String) -> Bool {
    paths.contains { path == $0 || path.hasPrefix($0 + ".") }
  }
}
