import ChatAPI

/// A seeded generator (splitmix64) of random test messages for the differential tests.
///
/// Covers what reference.c's generator covers: integer edge cases (`.min`, `.max`, values
/// around varint byte boundaries, negatives), infinities and extreme or denormal floats
/// (never NaN; `-0.0` included, which protobuf-c reads but cannot write), empty and
/// non-ASCII UTF-8 strings (never U+0000, which protobuf-c's C strings cannot hold), empty and
/// binary bytes, empty and long repeated fields, maps, every oneof member or none, known,
/// unknown and negative enum values, nested messages a few levels deep and unset ones.
struct DifferentialRandom: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A random message with every kind of field.
  mutating func richMessage() -> ProtobufTest_RichMessage {
    var m = ProtobufTest_RichMessage()
    if chance(2, in: 3) { m.fDouble = double() }
    if chance(2, in: 3) { m.fFloat = float() }
    if chance(2, in: 3) { m.fInt32 = Int32(truncatingIfNeeded: bits32()) }
    if chance(2, in: 3) { m.fInt64 = Int64(bitPattern: bits64()) }
    if chance(2, in: 3) { m.fUint32 = bits32() }
    if chance(2, in: 3) { m.fUint64 = bits64() }
    if chance(2, in: 3) { m.fSint32 = Int32(bitPattern: bits32()) }
    if chance(2, in: 3) { m.fSint64 = Int64(bitPattern: bits64()) }
    if chance(2, in: 3) { m.fFixed32 = bits32() }
    if chance(2, in: 3) { m.fFixed64 = bits64() }
    if chance(2, in: 3) { m.fSfixed32 = Int32(bitPattern: bits32()) }
    if chance(2, in: 3) { m.fSfixed64 = Int64(bitPattern: bits64()) }
    if chance(2, in: 3) { m.fBool = Bool.random(using: &self) }
    if chance(2, in: 3) { m.fString = string() }
    if chance(2, in: 3) { m.fBytes = bytes() }
    if chance(2, in: 3) { m.fColor = color() }
    m.fNested = optionalNested(depth: 1)

    m.rDouble = list { $0.double() }
    m.rFloat = list { $0.float() }
    m.rInt32 = list { Int32(bitPattern: $0.bits32()) }
    m.rInt64 = list { Int64(bitPattern: $0.bits64()) }
    m.rUint32 = list { $0.bits32() }
    m.rUint64 = list { $0.bits64() }
    m.rSint32 = list { Int32(bitPattern: $0.bits32()) }
    m.rSint64 = list { Int64(bitPattern: $0.bits64()) }
    m.rFixed32 = list { $0.bits32() }
    m.rFixed64 = list { $0.bits64() }
    m.rSfixed32 = list { Int32(bitPattern: $0.bits32()) }
    m.rSfixed64 = list { Int64(bitPattern: $0.bits64()) }
    m.rBool = list { Bool.random(using: &$0) }
    m.rString = list { $0.string() }
    m.rBytes = list { $0.bytes() }
    m.rColor = list { $0.color() }
    m.rNested = list { $0.nested(depth: 2) }

    m.uInt32 = list { Int32(bitPattern: $0.bits32()) }
    m.uSint64 = list { Int64(bitPattern: $0.bits64()) }
    m.uFixed32 = list { $0.bits32() }
    m.uDouble = list { $0.double() }
    m.uColor = list { $0.color() }

    m.mStringInt32 = map(key: { $0.string() }, value: { Int32(bitPattern: $0.bits32()) })
    m.mInt64String = map(key: { Int64(bitPattern: $0.bits64()) }, value: { $0.string() })
    m.mUint32Nested = map(key: { $0.bits32() }, value: { $0.nested(depth: 2) })
    m.mSint32Color = map(key: { Int32(bitPattern: $0.bits32()) }, value: { $0.color() })
    m.mBoolBytes = map(key: { Bool.random(using: &$0) }, value: { $0.bytes() })
    m.mFixed64Double = map(key: { $0.bits64() }, value: { $0.double() })

    switch below(5) {
    case 0: m.choice = .oString(string())
    case 1: m.choice = .oInt64(Int64(bitPattern: bits64()))
    case 2: m.choice = .oNested(nested(depth: 1))
    case 3: m.choice = .oColor(color())
    default: m.choice = nil
    }
    if chance(2, in: 3) { m.fLargeNumber = Int32(bitPattern: bits32()) }
    return m
  }

  /// A random chat message.
  mutating func chatMessage() -> ChatMessage {
    var m = ChatMessage()
    if chance(3, in: 4) { m.user = string() }
    if chance(3, in: 4) { m.message = string() }
    if chance(3, in: 4) { m.timestamp = Int64(bitPattern: bits64()) }
    return m
  }

  private mutating func below(_ n: Int) -> Int {
    Int(next() % UInt64(n))
  }

  private mutating func chance(_ k: Int, in n: Int) -> Bool {
    below(n) < k
  }

  /// An edge case a third of the time, otherwise random bits of a random width.
  private mutating func bits64() -> UInt64 {
    let edges: [UInt64] = [
      0, 1, 2, 127, 128, 255, 300, 16383, 16384, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
      0x1_0000_0000,
      .max >> 1, 1 << 63, .max, .max - 1, 0xFFFF_FFFF_8000_0000, 0xFFFF_FFFF_7FFF_FFFF,
    ]
    if chance(1, in: 3) { return edges[below(edges.count)] }
    return next() >> UInt64(below(64))
  }

  private mutating func bits32() -> UInt32 {
    let edges: [UInt32] = [0, 1, 2, 127, 128, 300, 0x7FFF_FFFF, 0x8000_0000, .max, .max - 1]
    if chance(1, in: 3) { return edges[below(edges.count)] }
    return UInt32(truncatingIfNeeded: next() >> UInt64(below(64)))
  }

  private mutating func float() -> Float {
    let edges: [Float] = [
      1, -1, 0.5, -2.25, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude,
      .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .infinity, -.infinity, -0.0, 3.14159265,
    ]
    while true {
      let bits = UInt32(truncatingIfNeeded: next())
      let value = chance(1, in: 2) ? edges[below(edges.count)] : Float(bitPattern: bits)
      if !value.isNaN { return value }
    }
  }

  private mutating func double() -> Double {
    let edges: [Double] = [
      1, -1, 0.1, -2.5e300, 3.141592653589793, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
      .leastNormalMagnitude, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .infinity, -.infinity,
      -0.0,
    ]
    while true {
      let value = chance(1, in: 2) ? edges[below(edges.count)] : Double(bitPattern: next())
      if !value.isNaN { return value }
    }
  }

  /// Valid UTF-8 of 1- to 4-byte scalars, never U+0000.
  private mutating func string() -> String {
    let pieces: [Unicode.Scalar] = [
      "a", "Z", "0", " ", "~", "\u{7F}", "\u{01}", "é", "\u{80}", "\u{7FF}", "€", "中", "\u{FFFF}",
      "\u{E000}",
      "😀", "\u{10FFFF}",
    ]
    let count = chance(1, in: 4) ? 0 : chance(1, in: 4) ? 20 + below(100) : 1 + below(12)
    var scalars = String.UnicodeScalarView()
    for _ in 0 ..< count { scalars.append(pieces[below(pieces.count)]) }
    return String(scalars)
  }

  private mutating func bytes() -> [UInt8] {
    let count = chance(1, in: 4) ? 0 : chance(1, in: 4) ? 64 + below(200) : 1 + below(16)
    return (0 ..< count).map { _ in UInt8(truncatingIfNeeded: next()) }
  }

  /// A known value three times in four, otherwise an unknown one (some negative).
  private mutating func color() -> ProtobufTest_Color {
    let unknown: [Int32] = [4, 7, -3, -1, 1000, .max, .min]
    let raw = chance(1, in: 4) ? unknown[below(unknown.count)] : Int32(below(4))
    return ProtobufTest_Color(rawValue: raw)
  }

  private mutating func nested(depth: Int) -> ProtobufTest_Nested {
    var n = ProtobufTest_Nested()
    if chance(2, in: 3) { n.id = Int32(bitPattern: bits32()) }
    if chance(2, in: 3) { n.name = string() }
    n.child = optionalNested(depth: depth + 1)
    return n
  }

  private mutating func optionalNested(depth: Int) -> ProtobufTest_Nested? {
    depth > 4 || chance(1, in: 3) ? nil : nested(depth: depth)
  }

  /// Empty often, sometimes one element, a few, or a long run.
  private mutating func count() -> Int {
    switch below(8) {
    case 0, 1, 2: 0
    case 3: 1
    case 7: 16 + below(48)
    default: 2 + below(6)
    }
  }

  private mutating func list<T>(_ element: (inout Self) -> T) -> [T] {
    (0 ..< count()).map { _ in element(&self) }
  }

  private mutating func map<K: Hashable, V>(
    key: (inout Self) -> K,
    value: (inout Self) -> V
  ) -> [K: V] {
    var result: [K: V] = [:]
    for _ in 0 ..< count() { result[key(&self)] = value(&self) }
    return result
  }
}
