/// Picks the next of the ready connections in turn.
package struct RoundRobinPicker: Sendable {
  private var next = 0

  package init() {}

  /// The element after the one picked last time, wrapping around; nil when `ready` is empty.
  ///
  /// - Parameter ready: The candidates, in a stable order.
  package mutating func pick<Element>(from ready: [Element]) -> Element? {
    guard !ready.isEmpty else { return nil }
    let index = self.next % ready.count
    self.next = index + 1
    return ready[index]
  }
}
