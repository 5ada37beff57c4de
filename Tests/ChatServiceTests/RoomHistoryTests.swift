import ChatAPI
import GRPCKit
import Testing

@testable import ChatService

/// A record of epoch 7 with sequence number `sequence`.
func record(_ sequence: UInt64, epoch: UInt64 = 7) -> RoomRecord {
  RoomRecord(id: RoomEventID(epoch: epoch, sequence: sequence), message: ChatMessage(user: "ada", message: "m\(sequence)"))
}

/// A history of `capacity` after appending records 1 through `count`.
func makeHistory(capacity: Int, count: UInt64) -> RoomHistory {
  var history = RoomHistory(capacity: capacity)
  for sequence in stride(from: 1, through: count, by: 1) { history.append(record(sequence)) }
  return history
}

@Suite("RoomHistory")
struct RoomHistoryTests {
  @Test("A full history keeps exactly its capacity, dropping the oldest")
  func keepsExactlyItsCapacity() {
    let history = makeHistory(capacity: 5, count: 8)
    #expect(history.count == 5)
    #expect(history.first?.id.sequence == 4)
    #expect(history.records(after: 0).map(\.id.sequence) == [4, 5, 6, 7, 8])
  }

  @Test("Records come out oldest first across the ring's wrap-around", arguments: UInt64(5) ... 17)
  func wrapsAround(count: UInt64) {
    let history = makeHistory(capacity: 5, count: count)
    #expect(history.records(after: 0).map(\.id.sequence) == Array(count - 4 ... count))
  }

  @Test(
    "records(after:) gives the retained records after a sequence number",
    arguments: [
      (0, [6, 7, 8, 9, 10]), (5, [6, 7, 8, 9, 10]), (6, [7, 8, 9, 10]), (8, [9, 10]),
      (9, [10]), (10, []), (11, []), (1000, []),
    ] as [(UInt64, [UInt64])])
  func recordsAfterSequence(sequence: UInt64, expected: [UInt64]) {
    let history = makeHistory(capacity: 5, count: 10)
    #expect(history.records(after: sequence).map(\.id.sequence) == expected)
  }

  @Test("A history of capacity 0 retains nothing")
  func capacityZeroRetainsNothing() {
    let history = makeHistory(capacity: 0, count: 3)
    #expect(history.count == 0)
    #expect(history.first == nil)
    #expect(history.records(after: 0).isEmpty)
  }

  @Test("removeAll forgets every record, and appending starts again")
  func removeAllForgets() {
    var history = makeHistory(capacity: 3, count: 7)
    history.removeAll()
    #expect(history.count == 0)
    history.append(record(1, epoch: 8))
    #expect(history.records(after: 0).map(\.id) == [RoomEventID(epoch: 8, sequence: 1)])
  }
}

@Suite("RoomEventID and RoomPosition")
struct RoomEventIDTests {
  @Test(
    "Well-formed ids parse and print back",
    arguments: [
      ("1-1", RoomEventID(epoch: 1, sequence: 1)), ("1-0", RoomEventID(epoch: 1, sequence: 0)),
      ("1796512993029898-42", RoomEventID(epoch: 1_796_512_993_029_898, sequence: 42)),
      ("18446744073709551615-18446744073709551615", RoomEventID(epoch: .max, sequence: .max)),
    ])
  func wellFormedIDsParse(text: String, id: RoomEventID) {
    #expect(RoomEventID(Substring(text)) == id)
    #expect(id.description == text)
  }

  @Test(
    "Malformed ids do not parse",
    arguments: [
      "", "0", "-", "1", "1-", "-1", "0-1", "a-1", "1-a", "1-2-3", "+1-2", "1-+2", " 1-2", "1-2 ", "1_2",
      "18446744073709551616-1", "1-18446744073709551616",
    ])
  func malformedIDsDoNotParse(text: String) {
    #expect(RoomEventID(Substring(text)) == nil)
  }

  @Test(
    "Ids order by epoch, then sequence",
    arguments: [
      (RoomEventID(epoch: 1, sequence: 5), RoomEventID(epoch: 1, sequence: 6)),
      (RoomEventID(epoch: 1, sequence: 999), RoomEventID(epoch: 2, sequence: 1)),
      (RoomEventID(epoch: 9, sequence: 0), RoomEventID(epoch: 9, sequence: 1)),
    ])
  func idsOrderByEpochThenSequence(earlier: RoomEventID, later: RoomEventID) {
    #expect(earlier < later)
    #expect(!(later < earlier))
    #expect(earlier != later)
  }

  @Test(
    "after_id parses into a position",
    arguments: [
      ("", RoomPosition.live), ("0", .oldest), ("5-6", .after(RoomEventID(epoch: 5, sequence: 6))),
    ])
  func afterIDParses(text: String, position: RoomPosition) throws {
    #expect(try RoomPosition(afterID: text) == position)
  }

  @Test("A malformed after_id is INVALID_ARGUMENT naming the rule", arguments: ["x", "00", "0-0", "1-", "1-2-3"])
  func malformedAfterIDThrows(text: String) {
    let error = #expect(throws: RPCError.self) { try RoomPosition(afterID: text) }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message == "after_id \"\(text)\" is not an event id: use an id the server sent, \"0\" or \"\"")
  }
}
