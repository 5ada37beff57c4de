/// Which room and connection each idle member of the streams measurement uses.
///
/// The first `bigRooms × bigRoomSize` members fill a few large rooms; the rest sit in rooms of
/// `roomSize`. Member `i` runs on connection `i % connections`, so every room spans many
/// connections. The first member of each room is its sender in the broadcast.
struct RoomLayout: Sendable {
  /// One member: its room, its connection, and whether it sends the room's broadcast.
  struct Member: Sendable {
    let room: String
    let connection: Int
    let isSender: Bool
  }

  let members: [Member]
  /// How many rooms the members are in.
  let roomCount: Int
  /// The members of the largest room.
  let largestRoom: Int

  init(streams: Int, connections: Int, bigRooms: Int, bigRoomSize: Int, roomSize: Int) {
    var members: [Member] = []
    members.reserveCapacity(streams)
    var rooms = 0
    var largest = 0
    var index = 0
    while index < streams {
      let big = rooms < bigRooms
      let size = min(big ? bigRoomSize : roomSize, streams - index)
      let name = big ? "scale-big-\(rooms)" : "scale-\(rooms)"
      for offset in 0 ..< size {
        members.append(
          Member(room: name, connection: (index + offset) % connections, isSender: offset == 0)
        )
      }
      largest = max(largest, size)
      rooms += 1
      index += size
    }
    self.members = members
    self.roomCount = rooms
    self.largestRoom = largest
  }
}
