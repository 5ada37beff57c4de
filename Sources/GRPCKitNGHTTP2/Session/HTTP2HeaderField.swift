/// One HTTP/2 header field. Names are lowercase (the caller's job when sending).
package struct HTTP2HeaderField: Hashable, Sendable {
  /// The field name, for example `:path` or `content-type`.
  package var name: String
  /// The field value.
  package var value: String

  /// Creates a header field.
  package init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}
