import ChatAPI
import GRPCKit
import Testing

@testable import ChatService

/// Record `sequence` of epoch 1.
private func record(_ sequence: UInt64) -> RoomRecord {
  RoomRecord(id: RoomEventID(epoch: 1, sequence: sequence), message: ChatMessage(user: "ada", message: "m\(sequence)"))
}

/// A member whose bound is two messages.
private func makeSmallMember() -> RoomMember {
  RoomMember(maximumMessages: 2, maximumBytes: 1 << 20, readsEventIDs: true)
}

@Suite("Room members: the replay and the slow-consumer bound")
struct RoomMemberReplayTests {
  @Test("A replay larger than the bound is queued whole, and live messages still count up to the bound")
  func replayIsExemptLiveMessagesAreNot() {
    let member = makeSmallMember()
    member.enqueueReplay((1...5).map(record)[...])
    #expect(member.isOpen)
    #expect(member.enqueue(record(6), size: 10))
    #expect(member.enqueue(record(7), size: 10))
    #expect(!member.enqueue(record(8), size: 10))
    #expect(!member.isOpen)
  }

  @Test("Once the batch holding the replay is written, the bound counts everything again")
  func replayExemptionEndsWithItsBatch() async throws {
    let member = makeSmallMember()
    member.enqueueReplay((1...5).map(record)[...])
    let gate = Gate()
    let writer = Task {
      await member.write { item in
        guard case .record(let record) = item else { return }
        await gate.note(record.id.sequence)
      }
    }
    // The writer has written the replay; record 6 is then written and held there.
    try await eventually { await gate.written == [1, 2, 3, 4, 5] }
    #expect(member.enqueue(record(6), size: 1))
    try await eventually { await gate.isHolding }
    #expect(member.enqueue(record(7), size: 1))  // 6 being written and 7 waiting: 2, the bound
    #expect(!member.enqueue(record(8), size: 1))  // 3: the replay exempts nothing any more
    await gate.release()
    await writer.value
  }
}

/// Notes what the writer wrote, holding it at record 6 until released.
private actor Gate {
  private(set) var written: [UInt64] = []
  private var waiter: CheckedContinuation<Void, Never>?
  private var released = false

  var isHolding: Bool { self.waiter != nil }

  func note(_ sequence: UInt64) async {
    self.written.append(sequence)
    guard sequence == 6, !self.released else { return }
    await withCheckedContinuation { self.waiter = $0 }
  }

  func release() {
    self.released = true
    self.waiter?.resume()
    self.waiter = nil
  }
}

/// Polls `condition` every 5 ms for up to 30 s; fails the test when it never holds.
private func eventually(_ condition: () async -> Bool) async throws {
  let deadline = ContinuousClock.now + .seconds(30)
  while !(await condition()) {
    guard ContinuousClock.now < deadline else {
      Issue.record("the condition did not hold within 30 s")
      return
    }
    try await Task.sleep(for: .milliseconds(5))
  }
}
