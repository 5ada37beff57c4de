extension Duration {
  /// Seconds with up to three decimals and an `s`, for messages: `20s`, `0.25s`, `-0.003s`.
  var secondsDescription: String {
    let milliseconds = self.saturatingNanoseconds / 1_000_000
    let sign = milliseconds < 0 ? "-" : ""
    let magnitude = milliseconds.magnitude
    if magnitude % 1000 == 0 { return "\(sign)\(magnitude / 1000)s" }
    var fraction = String(magnitude % 1000)
    fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
    while fraction.hasSuffix("0") { fraction.removeLast() }
    return "\(sign)\(magnitude / 1000).\(fraction)s"
  }
}
