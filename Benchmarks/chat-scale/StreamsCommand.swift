import BenchmarkClock
import ArgumentParser
import ChatAPI
import GRPCKit
import GRPCKitNGHTTP2
import Glibc
import NIOCore
import NIOPosix

/// `chat-scale streams`: many idle ChatStream members over a fixed set of connections, in
/// phases, with the server's resident memory after each one settles:
///
/// 1. before anything connects;
/// 2. with the connections open, each carrying one probe stream (its own room);
/// 3. with every member open (the probes answered a second message, so the server has read
///    every member's HEADERS);
/// 4. after one broadcast: the first member of every room sends one message at once, and each
///    member's delivery latency is measured from that moment;
/// 5. after every stream half-closed and ended, then after every connection closed.
///
/// Per idle stream is (3 − 2) ÷ members; per connection is (2 − 1) ÷ connections less one
/// stream (the probe).
struct StreamsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "streams",
    abstract: "Idle streams: memory per stream and per connection, open time, one broadcast."
  )

  @OptionGroup var server: ServerOptions

  @Option(help: "Idle member streams.")
  var streams = 10_000

  @Option(help: "Connections the streams are spread over.")
  var conns = 100

  @Option(help: "Large rooms (filled first).")
  var bigRooms = 4

  @Option(help: "Members of each large room.")
  var bigRoomSize = 1_000

  @Option(help: "Members of each of the other rooms.")
  var roomSize = 10

  @Option(help: "Seconds a phase may take before the measurement fails.")
  var phaseTimeout = 180.0

  func validate() throws {
    guard self.streams >= 1, self.conns >= 1, self.bigRooms >= 0, self.bigRoomSize >= 1,
      self.roomSize >= 1, self.phaseTimeout > 0
    else {
      throw ValidationError(
        "--streams, --conns, --big-room-size, --room-size and --phase-timeout must be positive"
      )
    }
  }

  func run() async throws {
    do {
      let report = try await self.measure()
      print(report.markdown)
      if let path = self.server.json { try ReportFile.append(report.json, to: path) }
      fflush(nil)
      _exit(0)  // transports and loops need no orderly teardown
    } catch {
      FileHandleOutput.standardError("chat-scale streams: \(error)")
      _exit(1)
    }
  }

  private func measure() async throws -> StreamsReport {
    let (host, port) = try self.server.endpoint()
    let memory = ServerMemory(pid: self.server.serverPID)
    let layout = RoomLayout(
      streams: self.streams,
      connections: self.conns,
      bigRooms: self.bigRooms,
      bigRoomSize: self.bigRoomSize,
      roomSize: self.roomSize
    )
    let threads = self.server.threads
    let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    let loops = Array(group.makeIterator())
    let executors = loops.map { EventLoopTaskExecutor(eventLoop: $0) }
    var configuration = NGHTTP2ClientConfiguration()
    configuration.connectTimeout = .seconds(10)
    let transports = (0 ..< self.conns).map { connection in
      NGHTTP2ClientTransport(
        host: host,
        port: port,
        configuration: configuration,
        eventLoopGroup: loops[connection % threads]
      )
    }
    let clients = transports.map { ChatService.Client(wrapping: GRPCClient(transport: $0)) }
    let board = StreamBoard(count: self.streams + self.conns)
    let members = 0 ..< self.streams
    let probes = self.streams ..< (self.streams + self.conns)
    let message = ChatMessage(user: "scale", message: "x")

    /// Starts a stream for each of `indices` on its connection's loop.
    func start(
      _ indices: Range<Int>,
      plan: (Int) -> (room: String, connection: Int)
    )
      -> Task<Void, Never>
    {
      let plans = indices.map { (index: $0, place: plan($0)) }
      return Task {
        await withDiscardingTaskGroup { group in
          for (index, (room, connection)) in plans {
            group.addTask(executorPreference: executors[connection % threads]) {
              await Self.runStream(index, room: room, client: clients[connection], board: board)
            }
          }
        }
      }
    }
    /// Waits for `condition` or fails naming `phase` and the first stream failures.
    func expect(_ phase: String, _ condition: () -> Bool) async throws {
      guard await MonotonicClock.wait(upTo: self.phaseTimeout, until: condition) else {
        throw ScaleError(
          "\(phase) did not finish in \(self.phaseTimeout) s; \(board.failureCount) streams failed"
            + board.failures.map { "\n  \($0)" }.joined()
        )
      }
    }
    /// Sends one more message on every probe and waits for each echo.
    func roundTripProbes(_ round: Int) async throws {
      for probe in probes { try await board.writer(probe)?.write(message) }
      try await expect("probe round \(round)") {
        board.countReceiving(probes, atLeast: round) == probes.count
      }
    }

    let before = try await memory.settled()

    let connectStart = MonotonicClock.now()
    let probeTask = start(probes) { ("scale-probe-\($0 - self.streams)", $0 - self.streams) }
    try await expect("opening the connections") {
      board.openedCount + board.failureCount >= probes.count
    }
    try board.checkNoFailures("opening the connections")
    try await roundTripProbes(1)
    let connectTime = MonotonicClock.now() - connectStart
    let withConnections = try await memory.settled()

    let openStart = MonotonicClock.now()
    let memberTask = start(members) { (layout.members[$0].room, layout.members[$0].connection) }
    try await expect("opening the streams") {
      board.openedCount + board.failureCount >= board.count
    }
    try board.checkNoFailures("opening the streams")
    try await roundTripProbes(2)
    let openTime = MonotonicClock.now() - openStart
    let withStreams = try await memory.settled()
    try board.checkNoFailures("holding the streams open")

    let senders = members.filter { layout.members[$0].isSender }
    let broadcastStart = MonotonicClock.now()
    await withDiscardingTaskGroup { group in
      for sender in senders {
        group.addTask(executorPreference: executors[layout.members[sender].connection % threads]) {
          try? await board.writer(sender)?.write(message)
        }
      }
    }
    _ = await MonotonicClock.wait(upTo: self.phaseTimeout) {
      board.countReceiving(members, atLeast: 1) == members.count
    }
    let latencies = board.firstDeliveries(members).map { $0 &- broadcastStart }.sorted()
    let afterBroadcast = try await memory.settled()

    for index in 0 ..< board.count { board.writer(index)?.finish() }
    try await expect("closing the streams") { board.endedCount == board.count }
    await probeTask.value
    await memberTask.value
    let streamsClosed = try await memory.settled()
    for transport in transports { transport.close() }
    let connectionsClosed = try await memory.settled()

    return StreamsReport(
      server: self.server.serverName,
      streams: self.streams,
      connections: self.conns,
      rooms: layout.roomCount,
      largestRoom: layout.largestRoom,
      senders: senders.count,
      memory: [
        before, withConnections, withStreams, afterBroadcast, streamsClosed, connectionsClosed,
      ],
      connectTime: connectTime,
      openTime: openTime,
      latencies: latencies,
      failures: board.failureCount
    )
  }

  /// One ChatStream member: reports its writer once open, counts what it receives, and ends
  /// when the server ends the call after the driver half-closes it.
  private static func runStream(
    _ index: Int,
    room: String,
    client: ChatService.Client,
    board: StreamBoard
  ) async {
    let options = CallOptions(metadata: ["chat-room": .string(room)])
    do {
      try await client.chatStream(options: options) { writer, responses in
        board.opened(index, writer: writer)
        for try await _ in responses { board.received(index, at: MonotonicClock.now()) }
      }
      board.ended(index, failure: nil)
    } catch let error as RPCError {
      board.ended(index, failure: "\(error.code): \(error.message)")
    } catch {
      board.ended(index, failure: "\(error)")
    }
  }
}
