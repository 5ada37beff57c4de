/// The header block being received: fields collected between on_begin_headers and on_frame_recv.
struct HTTP2HeaderBlock {
  /// The stream the block belongs to (0 when none is in progress).
  var streamID: Int32 = 0
  var fields: [HTTP2HeaderField] = []
  /// The RFC 9113 size so far: name and value lengths plus 32 per field.
  var size = 0
  /// The block went over its limit: its fields are dropped, only its size is still counted.
  var isOversized = false

  /// Starts a block for `streamID`.
  mutating func begin(streamID: Int32) {
    self.streamID = streamID
    fields = []
    size = 0
    isOversized = false
  }

  /// Appends a field; returns false when the block exceeds `limit` bytes (it then keeps
  /// counting the size, drops the fields it has, and keeps none of those that follow).
  mutating func append(
    name: UnsafeBufferPointer<UInt8>,
    value: UnsafeBufferPointer<UInt8>,
    limit: Int
  ) -> Bool {
    size += name.count + value.count + 32
    guard size <= limit else {
      isOversized = true
      fields = []
      return false
    }
    fields.append(
      HTTP2HeaderField(
        name: String(decoding: name, as: UTF8.self),
        value: String(decoding: value, as: UTF8.self)
      )
    )
    return true
  }

  /// Ends the block and returns its fields.
  mutating func finish() -> [HTTP2HeaderField] {
    defer { begin(streamID: 0) }
    return fields
  }
}
