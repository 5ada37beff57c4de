import Testing

@testable import chat_soak

/// Message `n` of sender `sender`: sent at `n` µs, stored as event `7-n`, acknowledged unless
/// told otherwise.
private func sent(
  _ n: Int, sender: String = "a", room: String = "r", outcome: SoakLedger.Outcome? = nil
) -> SoakLedger.Sent {
  let at = UInt64(n) * 1_000
  return SoakLedger.Sent(
    room: room, key: MessageKey(sender: sender, sequence: n), sentAt: at,
    outcome: outcome ?? .acknowledged(id: eventID(n), at: at + 10))
}

private func eventID(_ n: Int) -> SoakEventID {
  SoakEventID(epoch: 7, sequence: UInt64(n))
}

/// Message `n` of `sender` as a reader receives it, with id `7-n` (none on ChatStream).
private func got(_ n: Int, sender: String = "a", withID: Bool = true) -> SoakLedger.Received {
  let id = withID ? eventID(n) : nil
  return .message(
    id: id, rawID: id?.description ?? "", key: MessageKey(sender: sender, sequence: n),
    label: "\(sender): #\(n)", at: UInt64(n) * 1_000 + 50)
}

private func subscriber(
  _ name: String, start: SoakLedger.Start = .oldest, _ received: [SoakLedger.Received]
) -> SoakLedger.Reader {
  SoakLedger.Reader(name: name, room: "r", kind: .subscriber(start), received: received)
}

/// Subscriber `s1`, from the room's start.
private func subscriber(_ received: [SoakLedger.Received]) -> SoakLedger.Reader {
  subscriber("s1", received)
}

@Suite("chat-soak: the zero-loss ledger")
struct SoakLedgerTests {
  @Test("A clean run passes and counts what was sent and delivered")
  func cleanRunPasses() {
    let ledger = SoakLedger(
      sent: (1...5).map { sent($0) },
      readers: [subscriber("s1", (1...5).map { got($0) }), subscriber("s2", (1...5).map { got($0) })])
    let verdict = ledger.check()
    #expect(verdict.passed)
    #expect(verdict.acknowledged == 5)
    #expect(verdict.delivered == 10)
    #expect(verdict.latencies.regular.count == 10)
  }

  @Test("A missing message is named with its room, subscriber, event id and sender number")
  func missingMessageIsNamed() {
    let ledger = SoakLedger(
      sent: (1...4).map { sent($0) },
      readers: [subscriber("s1", (1...4).map { got($0) }), subscriber("s2", [got(1), got(2), got(4)])])
    let failures = ledger.check().failures
    #expect(failures == [.missing(room: "r", reader: "s2", id: eventID(3), key: MessageKey(sender: "a", sequence: 3), acknowledged: true)])
    #expect(failures.first?.description == "missing: room r, subscriber s2, event 7-3, sender a #3")
  }

  @Test("An acknowledged message nobody received is missing for every subscriber")
  func messageNobodyReceivedIsMissing() {
    let ledger = SoakLedger(sent: [sent(1), sent(2)], readers: [subscriber("s1", [got(1)]), subscriber("s2", [got(1)])])
    #expect(ledger.check().failures.map(\.kind) == ["missing", "missing"])
  }

  @Test("A message received twice is a duplicate")
  func duplicateIsDetected() {
    let ledger = SoakLedger(sent: (1...3).map { sent($0) }, readers: [subscriber([got(1), got(2), got(2), got(3)])])
    #expect(
      ledger.check().failures == [.duplicate(room: "r", reader: "s1", id: eventID(2), key: MessageKey(sender: "a", sequence: 2))])
  }

  @Test("Messages received against the room's order are out of order")
  func reorderIsDetected() {
    let ledger = SoakLedger(sent: (1...3).map { sent($0) }, readers: [subscriber([got(1), got(3), got(2)])])
    #expect(
      ledger.check().failures == [
        .outOfOrder(room: "r", reader: "s1", id: eventID(2), key: MessageKey(sender: "a", sequence: 2), after: eventID(3))
      ])
  }

  @Test("A gap the SDK reports fails the run")
  func gapIsAFailure() {
    let ledger = SoakLedger(
      sent: (1...2).map { sent($0) },
      readers: [subscriber([got(1), .gap(lastID: "7-1", reason: "after_id 7-1 is not retained"), got(2)])])
    #expect(ledger.check().failures == [.gap(room: "r", reader: "s1", lastID: "7-1", reason: "after_id 7-1 is not retained")])
  }

  @Test("A message no sender sent is foreign, and so is one from another room")
  func foreignMessageIsDetected() {
    let stranger: SoakLedger.Received = .message(
      id: eventID(9), rawID: "7-9", key: nil, label: "mallory: hello", at: 1)
    let otherRoom = SoakLedger.Sent(
      room: "elsewhere", key: MessageKey(sender: "b", sequence: 1), sentAt: 0,
      outcome: .acknowledged(id: eventID(8), at: 1))
    let ledger = SoakLedger(
      sent: [sent(1), otherRoom],
      readers: [subscriber([got(1), stranger, got(1, sender: "b")])])
    #expect(ledger.check().failures.map(\.kind) == ["foreign", "foreign"])
  }

  @Test("A subscriber that joined late owes only what followed its start")
  func lateSubscriberOwesOnlyLaterMessages() {
    // Joined after 7-2 at time 2,500: 3 and 4 are due (ids above 7-2), 1 and 2 are not.
    let start = SoakLedger.Start.after(eventID(2), at: 2_500)
    let complete = SoakLedger(
      sent: (1...4).map { sent($0) }, readers: [subscriber("late", start: start, [got(3), got(4)])])
    #expect(complete.check().passed)
    let short = SoakLedger(sent: (1...4).map { sent($0) }, readers: [subscriber("late", start: start, [got(4)])])
    #expect(short.check().failures.map(\.description) == ["missing: room r, subscriber late, event 7-3, sender a #3"])
  }

  @Test("A late subscriber owes an echoed ChatStream message sent after it joined, id or not")
  func lateSubscriberOwesChatStreamMessagesByTime() {
    let start = SoakLedger.Start.after(eventID(2), at: 2_500)
    // No reader learned the id of c #3 (sent at 3,000, after the start): still due.
    let echoed = sent(3, sender: "c", outcome: .acknowledged(id: nil, at: 3_010))
    let before = sent(2, sender: "c", outcome: .acknowledged(id: nil, at: 2_010))
    let ledger = SoakLedger(sent: [before, echoed], readers: [subscriber("late", start: start, [])])
    #expect(ledger.check().failures == [.missing(room: "r", reader: "late", id: nil, key: MessageKey(sender: "c", sequence: 3), acknowledged: true)])
  }

  @Test("An unacknowledged send is only counted, unless another subscriber received it")
  func failedSendIsCountedNotRequired() {
    let failed = sent(2, outcome: .failed("UNAVAILABLE"))
    let nobody = SoakLedger(sent: [sent(1), failed, sent(3)], readers: [subscriber([got(1), got(3)])])
    let verdict = nobody.check()
    #expect(verdict.passed)
    #expect(verdict.failed == 1)
    // Stored after all (s1 got it as 7-2): s2 owes it too.
    let stored = SoakLedger(
      sent: [sent(1), failed, sent(3)],
      readers: [subscriber("s1", [got(1), got(2), got(3)]), subscriber("s2", [got(1), got(3)])])
    #expect(stored.check().failures == [.missing(room: "r", reader: "s2", id: eventID(2), key: MessageKey(sender: "a", sequence: 2), acknowledged: false)])
  }

  @Test("A ChatStream call may miss messages but not repeat or reorder them")
  func chatStreamCallIsHeldToOrderOnly() {
    func call(_ received: [SoakLedger.Received]) -> SoakLedger.Reader {
      SoakLedger.Reader(name: "c call 1", room: "r", kind: .session, received: received)
    }
    let sends = (1...4).map { sent($0) }
    let all = subscriber((1...4).map { got($0) })
    #expect(SoakLedger(sent: sends, readers: [all, call([got(2, withID: false), got(3, withID: false)])]).check().passed)
    let reordered = SoakLedger(sent: sends, readers: [all, call([got(3, withID: false), got(2, withID: false)])])
    #expect(reordered.check().failures.map(\.kind) == ["out of order"])
    let repeated = SoakLedger(sent: sends, readers: [all, call([got(2, withID: false), got(2, withID: false)])])
    #expect(repeated.check().failures.map(\.kind) == ["duplicate"])
  }

  @Test("One message under two ids was stored twice")
  func storedTwiceIsDetected() {
    let again: SoakLedger.Received = .message(
      id: eventID(5), rawID: "7-5", key: MessageKey(sender: "a", sequence: 1), label: "a: #1", at: 9)
    let ledger = SoakLedger(sent: [sent(1)], readers: [subscriber("s1", [got(1)]), subscriber("s2", [again])])
    #expect(ledger.check().failures.map(\.kind) == ["stored twice"])
  }
}

@Suite("chat-soak: message keys, ids, the fault schedule and the replica logs")
struct SoakPartsTests {
  @Test("A numbered text reads back as its key; anything else is not a soak message")
  func messageKeysRoundTrip() {
    let text = MessageKey.text(sequence: 42, length: 64)
    #expect(text.utf8.count == 64)
    #expect(MessageKey(user: "pub-1", text: text) == MessageKey(sender: "pub-1", sequence: 42))
    #expect(MessageKey(user: "pub-1", text: "#42 xxy") == nil)
    #expect(MessageKey(user: "pub-1", text: "hello") == nil)
    #expect(MessageKey(user: "pub-1", text: "# xx") == nil)
  }

  @Test("Event ids compare by epoch, then sequence; malformed ones do not parse")
  func eventIDsCompare() {
    #expect(SoakEventID("10-2")! < SoakEventID("10-10")!)
    #expect(SoakEventID("9-100")! < SoakEventID("10-1")!)
    #expect(SoakEventID("10") == nil)
    #expect(SoakEventID("10-") == nil)
    #expect(SoakEventID("+1-2") == nil)
  }

  @Test("A 15-minute schedule: a cut a minute, a kill every 3 minutes in turn, one Redis restart")
  func fifteenMinuteSchedule() {
    let schedule = FaultSchedule(duration: 900, replicas: 3)
    let cuts = schedule.entries.filter { $0.fault == .cutConnections }
    let kills = schedule.entries.compactMap { entry -> Int? in
      if case .killReplica(let index) = entry.fault { return index }
      return nil
    }
    #expect(cuts.count == 14)
    #expect(kills == [0, 1, 2, 0, 1])
    #expect(schedule.entries.filter { $0.fault == .restartRedis }.map(\.at) == [475])
    #expect(schedule.entries.map(\.at) == schedule.entries.map(\.at).sorted())
    #expect(schedule.entries.allSatisfy { $0.at <= 880 })
  }

  @Test("The access log's ended Subscribe streams are counted by code; OK and other methods are not")
  func replicaLogCounts() {
    let log = """
      {"event":"listening","port":5}
      {"message":"call","grpc.method":"/chat.v1.RoomEvents/Subscribe","grpc.code":"CANCELLED"}
      {"message":"call","grpc.method":"/chat.v1.RoomEvents/Subscribe","grpc.code":"RESOURCE_EXHAUSTED"}
      {"message":"call","grpc.method":"/chat.v1.RoomEvents/Subscribe","grpc.code":"OK"}
      {"message":"call","grpc.method":"/chat.v1.RoomEvents/Publish","grpc.code":"UNAVAILABLE"}
      {"message":"call","grpc.method":"/ChatService/ChatStream","grpc.code":"RESOURCE_EXHAUSTED"}
      """
    var counts = ReplicaLogCounts()
    counts.add(log: log)
    #expect(counts.subscribeEnds == ["CANCELLED": 1, "RESOURCE_EXHAUSTED": 1])
    #expect(counts.resumes == 2)
    #expect(counts.subscribeSlowConsumers == 1)
    #expect(counts.chatStreamSlowConsumers == 1)
  }
}
