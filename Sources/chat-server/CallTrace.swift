import GRPCKit

/// The trace context of the call a task serves, for the log lines it writes: read from the W3C
/// `traceparent` request header, or from Google's `x-cloud-trace-context` when that is all there
/// is (what Cloud Run and the Google load balancer inject). A malformed header is ignored.
struct CallTrace: Sendable, Hashable {
  /// 32 lowercase hex digits.
  var traceID: String
  /// 16 lowercase hex digits: the caller's span; `nil` when `x-cloud-trace-context` named none.
  var spanID: String?
  /// Whether the caller sampled the trace.
  var sampled: Bool

  /// The trace of the call whose handler runs in this task (bound by ``CallLogInterceptor``).
  @TaskLocal static var current: CallTrace?

  /// A trace context.
  init(traceID: String, spanID: String?, sampled: Bool) {
    self.traceID = traceID
    self.spanID = spanID
    self.sampled = sampled
  }

  /// The trace `metadata` carries: `traceparent` first, else `x-cloud-trace-context`; `nil`
  /// when neither is there or well-formed.
  init?(metadata: Metadata) {
    if let header = metadata.first("traceparent") {
      self.init(traceparent: header)
    } else if let header = metadata.first("x-cloud-trace-context") {
      self.init(cloudTraceContext: header)
    } else {
      return nil
    }
  }

  /// Parses a W3C `traceparent` (`00-TRACEID-SPANID-FLAGS`, version 00; a later version may
  /// append fields after a `-`). All-zero ids, upper-case hex and version `ff` are invalid.
  init?(traceparent header: String) {
    let fields = header.split(separator: "-", omittingEmptySubsequences: false)
    guard fields.count >= 4, Self.isHex(fields[0], count: 2), fields[0] != "ff",
      fields[0] != "00" || fields.count == 4,
      Self.isHex(fields[1], count: 32), Self.isHex(fields[2], count: 16),
      Self.isHex(fields[3], count: 2),
      fields[1].contains(where: { $0 != "0" }), fields[2].contains(where: { $0 != "0" }),
      let flags = UInt8(fields[3], radix: 16)
    else { return nil }
    self.traceID = String(fields[1])
    self.spanID = String(fields[2])
    self.sampled = flags & 1 == 1
  }

  /// Parses Google's `x-cloud-trace-context` (`TRACE_ID/SPAN_ID;o=OPTIONS`, the span id in
  /// decimal; `;o=` optional).
  init?(cloudTraceContext header: String) {
    let (ids, options) = header.split(separator: ";", maxSplits: 1).map(String.init).pairOrSingle
    let parts = ids.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
    let traceID = parts[0].lowercased()
    guard Self.isHex(Substring(traceID), count: 32), traceID.contains(where: { $0 != "0" }) else {
      return nil
    }
    var spanID: String?
    if parts.count == 2 {
      guard let span = UInt64(parts[1]), span != 0 else { return nil }
      let hex = String(span, radix: 16)
      spanID = String(repeating: "0", count: 16 - hex.count) + hex
    }
    self.traceID = traceID
    self.spanID = spanID
    self.sampled = options == "o=1"
  }

  private static func isHex(_ text: Substring, count: Int) -> Bool {
    text.utf8.count == count
      && text.utf8.allSatisfy { (0x30 ... 0x39).contains($0) || (0x61 ... 0x66).contains($0) }
  }
}

extension Array where Element == String {
  /// The first element and the second (or `nil`).
  fileprivate var pairOrSingle: (String, String?) {
    (self.first ?? "", self.count > 1 ? self[1] : nil)
  }
}
