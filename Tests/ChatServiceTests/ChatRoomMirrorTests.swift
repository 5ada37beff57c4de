import ChatAPI
import GRPCKit
import GRPCLocking
import Testing

@testable import ChatService

/// A member with room to spare in its queue; `readsEventIDs` for a RoomEvents subscriber.
func makeMember(readsEventIDs: Bool = false) -> RoomMember {
  RoomMember(maximumMessages: 1000, maximumBytes: 1 << 20, readsEventIDs: readsEventIDs)
}

/// The ids queued for `member` so far (it then ends with OK).
func drain(_ member: RoomMember) async -> [String] {
  member.finishAfterDraining()
  var ids: [String] = []
  await member.write { item in
    if case .record(let record) = item { ids.append(record.id.description) }
  }
  return ids
}

/// The status code `member` ended with; `nil` for OK.
func endCode(of member: RoomMember) async -> Status.Code? {
  if case .failure(let error) = await member.outcome() { return error.code }
  return nil
}

@Suite("ChatRoom mirroring a shared store")
struct ChatRoomMirrorTests {
  /// A mirrored room (no epoch until the store's first record) with one member joined live.
  private func makeMirror(historySize: Int = 10, member: RoomMember = makeMember()) throws -> ChatRoom {
    let room = ChatRoom(name: "mirror", historySize: historySize, epoch: 0)
    try room.join(member, at: .live)
    return room
  }

  @Test("The next record is delivered, an older one is a duplicate, a jump is a gap, and what follows a gap is buffered")
  func deliverClassifiesRecords() async throws {
    let member = makeMember()
    let room = try self.makeMirror(member: member)
    let outcomes = [record(1), record(2), record(2), record(1), record(3, epoch: 6), record(4), record(5), record(3)]
      .map(room.deliver)
    #expect(outcomes == [.delivered, .delivered, .duplicate, .duplicate, .duplicate, .gap, .buffered, .buffered])
    #expect(await drain(member) == ["7-1", "7-2"])
  }

  @Test("A mirror without history takes its epoch from the first record")
  func firstRecordSetsEpoch() throws {
    let room = try self.makeMirror()
    #expect(room.deliver(record(1, epoch: 9)) == .delivered)
    #expect(try room.join(makeMember(), at: .live) == RoomEventID(epoch: 9, sequence: 1))
  }

  @Test("A repair applies the fetched records, then the buffered ones, each once and in order")
  func repairAppliesFetchedThenBuffered() async throws {
    let member = makeMember()
    let room = try self.makeMirror(member: member)
    _ = [record(1), record(4), record(5)].map(room.deliver)
    let position = try #require(room.beginRepair())
    #expect(position.epoch == 7 && position.lastSequence == 1)
    #expect(room.finishRepair(from: position, epoch: 7, lastSequence: 5, records: [record(2), record(3), record(4)]) == .caughtUp)
    #expect(room.deliver(record(6)) == .delivered)
    #expect(await drain(member) == (1 ... 6).map { "7-\($0)" })
  }

  @Test("A repair that leaves the buffer ahead asks for another, which catches up")
  func repairStillBehindRepairsAgain() async throws {
    let member = makeMember()
    let room = try self.makeMirror(member: member)
    _ = [record(1), record(5)].map(room.deliver)
    let first = try #require(room.beginRepair())
    #expect(room.finishRepair(from: first, epoch: 7, lastSequence: 5, records: [record(2), record(3)]) == .stillBehind)
    #expect(room.deliver(record(6)) == .buffered)
    let position = try #require(room.beginRepair())
    #expect(position.lastSequence == 3)
    #expect(room.finishRepair(from: position, epoch: 7, lastSequence: 6, records: [record(4), record(5)]) == .caughtUp)
    #expect(await drain(member) == (1 ... 6).map { "7-\($0)" })
  }

  @Test("A read that started before the room moved to another epoch is not applied")
  func staleReadIsNotApplied() async throws {
    let member = makeMember()
    let room = try self.makeMirror(member: member)
    _ = [record(1), record(2)].map(room.deliver)
    let early = try #require(room.beginRepair())
    let late = try #require(room.beginRepair())
    #expect(room.finishRepair(from: late, epoch: 8, lastSequence: 1, records: [record(1, epoch: 8)]) == .caughtUp)
    #expect(room.finishRepair(from: early, epoch: 7, lastSequence: 2, records: []) == .stillBehind)
    #expect(room.syncPoint == RoomSyncPoint(epoch: 8, lastSequence: 1))
    #expect(await drain(member) == ["7-1", "7-2", "8-1"])
  }

  @Test("Concurrent reads of one epoch apply each record once")
  func concurrentReadsApplyOnce() async throws {
    let member = makeMember()
    let room = try self.makeMirror(member: member)
    _ = [record(1), record(4)].map(room.deliver)
    let first = try #require(room.beginRepair())
    let second = try #require(room.beginRepair())
    #expect(room.finishRepair(from: second, epoch: 7, lastSequence: 4, records: [record(2), record(3), record(4)]) == .caughtUp)
    #expect(room.finishRepair(from: first, epoch: 7, lastSequence: 4, records: [record(2), record(3), record(4)]) == .caughtUp)
    #expect(await drain(member) == (1 ... 4).map { "7-\($0)" })
  }

  @Test("A long history is read in pages: a partial page asks for the next")
  func partialPageIsStillBehind() async throws {
    let member = makeMember()
    let room = try self.makeMirror(member: member)
    let start = try #require(room.beginRepair())
    #expect(room.finishRepair(from: start, epoch: 7, lastSequence: 4, records: [record(1), record(2)]) == .stillBehind)
    let next = try #require(room.beginRepair())
    #expect(next.lastSequence == 2)
    #expect(room.finishRepair(from: next, epoch: 7, lastSequence: 4, records: [record(3), record(4)]) == .caughtUp)
    #expect(await drain(member) == (1 ... 4).map { "7-\($0)" })
  }

  @Test("A store ahead with nothing retained to fill the gap ends the members, which cannot get what they missed")
  func storeAheadWithoutRecordsEndsMembers() async throws {
    let member = makeMember()
    let room = try self.makeMirror(historySize: 0, member: member)
    _ = [record(1), record(3)].map(room.deliver)
    let start = try #require(room.beginRepair())
    #expect(room.finishRepair(from: start, epoch: 7, lastSequence: 3, records: []) == .caughtUp)
    #expect(await endCode(of: member) == .resourceExhausted)
    #expect(room.syncPoint == RoomSyncPoint(epoch: 7, lastSequence: 3))
  }

  @Test("A room being opened starts at what the store retains, without ending anyone")
  func openingStartsAtRetained() throws {
    let room = ChatRoom(name: "opening", historySize: 3, epoch: 0)
    let start = try #require(room.beginRepair())
    #expect(room.finishRepair(from: start, epoch: 7, lastSequence: 9, records: [record(7), record(8), record(9)]) == .caughtUp)
    let late = makeMember(readsEventIDs: true)
    #expect(try room.join(late, at: .after(RoomEventID(epoch: 7, sequence: 6))) == RoomEventID(epoch: 7, sequence: 9))
  }

  @Test("A new epoch ends members that read ids with UNAVAILABLE and keeps ChatStream members")
  func newEpochEndsSubscribersOnly() async throws {
    let subscriber = makeMember(readsEventIDs: true)
    let streamMember = makeMember()
    let room = try self.makeMirror(member: subscriber)
    try room.join(streamMember, at: .live)
    _ = [record(1), record(2)].map(room.deliver)
    let start = try #require(room.beginRepair())
    #expect(room.finishRepair(from: start, epoch: 8, lastSequence: 1, records: [record(1, epoch: 8)]) == .caughtUp)
    #expect(await endCode(of: subscriber) == .unavailable)
    #expect(room.memberCount == 1)
    #expect(await drain(streamMember) == ["7-1", "7-2", "8-1"])
    let error = #expect(throws: RPCError.self) {
      try room.join(makeMember(readsEventIDs: true), at: .after(RoomEventID(epoch: 7, sequence: 2)))
    }
    #expect(error?.code == .outOfRange)
    #expect(error?.metadata.first("chat-oldest-id") == "8-1")
  }

  @Test("Falling further behind than the history ends every member with RESOURCE_EXHAUSTED, and the room goes on")
  func jumpBeyondHistoryEndsMembers() async throws {
    let subscriber = makeMember(readsEventIDs: true)
    let streamMember = makeMember()
    let room = try self.makeMirror(historySize: 3, member: subscriber)
    try room.join(streamMember, at: .live)
    _ = [record(1), record(10)].map(room.deliver)
    let start = try #require(room.beginRepair())
    #expect(room.finishRepair(from: start, epoch: 7, lastSequence: 10, records: [record(8), record(9), record(10)]) == .caughtUp)
    #expect(await endCode(of: subscriber) == .resourceExhausted)
    #expect(await endCode(of: streamMember) == .resourceExhausted)
    let late = makeMember(readsEventIDs: true)
    try room.join(late, at: .oldest)
    #expect(await drain(late) == ["7-8", "7-9", "7-10"])
  }

  @Test("waitForDelivery returns once the record has been delivered, not before")
  func waitForDeliveryReturnsOnDelivery() async throws {
    let room = try self.makeMirror()
    _ = room.deliver(record(1))
    let log = Mutex<[String]>([])
    let waiter = Task {
      await room.waitForDelivery(of: RoomEventID(epoch: 7, sequence: 3))
      log.withLock { $0.append("returned") }
    }
    _ = room.deliver(record(2))
    try await Task.sleep(for: .milliseconds(50))
    log.withLock { $0.append("delivering 3") }
    _ = room.deliver(record(3))
    await waiter.value
    #expect(log.withLock { $0 } == ["delivering 3", "returned"])
  }

  enum DeliveryEnd: String, CaseIterable, Sendable { case newEpoch, close, cancel }

  @Test("waitForDelivery also returns when the epoch changes, the room closes or the task is cancelled", arguments: DeliveryEnd.allCases)
  func waitForDeliveryEnds(end: DeliveryEnd) async throws {
    let room = try self.makeMirror()
    _ = room.deliver(record(1))
    let waiter = Task { await room.waitForDelivery(of: RoomEventID(epoch: 7, sequence: 2)) }
    switch end {
    case .newEpoch:
      let start = try #require(room.beginRepair())
      _ = room.finishRepair(from: start, epoch: 8, lastSequence: 0, records: [])
    case .close:
      room.close(RPCError(code: .unavailable, message: "closing"))
    case .cancel:
      waiter.cancel()
    }
    await waiter.value
  }
}
