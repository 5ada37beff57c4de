/// A reply while hiredis builds it: the reader's object functions make one per array (and one
/// for a reply that is not an array), passed through hiredis's `void*` with `Unmanaged`.
///
/// The root is retained for hiredis (released when the reader takes the reply, or by
/// `freeObject` when hiredis drops it on an error); an array node inside it is owned by its
/// parent's ``elements``.
final class RedisReplyNode {
  /// An element of an array node: a finished value, or an array still being filled.
  enum Element {
    case value(RedisReply)
    case array(RedisReplyNode)
  }

  /// The value of a node that is not an array.
  private let leaf: RedisReply?
  /// The elements of an array node, in order.
  private var elements: [Element] = []

  /// A node for a reply that is not an array.
  init(leaf: RedisReply) {
    self.leaf = leaf
  }

  /// An array node for `count` elements; at most `reservation` are reserved up front, so that
  /// a declared count costs nothing before the elements arrive.
  init(arrayOf count: Int, reservation: Int = 1024) {
    self.leaf = nil
    self.elements.reserveCapacity(min(count, reservation))
  }

  /// Adds the next element of an array node.
  func append(_ element: Element) {
    self.elements.append(element)
  }

  /// The finished reply.
  func reply() -> RedisReply {
    if let leaf = self.leaf { return leaf }
    return .array(
      self.elements.map { element in
        switch element {
        case .value(let value): return value
        case .array(let node): return node.reply()
        }
      }
    )
  }
}
