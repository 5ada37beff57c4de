extension Duration {
  /// Seconds with up to three decimals and an `s`, for messages: `20s`, `0.25s`.
  var secondsDescription: String {
    let milliseconds = self.saturatingNanoseconds / 1_000_000
    if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
    var fraction = String(milliseconds % 1000)
    fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
    while fraction.hasSuffix("0") { fraction.removeLast() }
    return "\(milliseconds / 1000).\(fraction)s"
  }
}
