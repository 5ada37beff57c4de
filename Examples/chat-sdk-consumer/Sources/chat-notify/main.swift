import ChatClient

#if canImport(Glibc)
import Glibc
#endif

// chat-notify HOST:PORT [ROOM]: posts one message to a room and prints the server's echo.
let arguments = Array(CommandLine.arguments.dropFirst())
guard let target = arguments.first else {
  print("usage: chat-notify HOST:PORT [ROOM]")
  exit(64)
}
let room = arguments.count > 1 ? arguments[1] : "lobby"

do {
  let client = try ChatClient(target: target)
  let echo = try await client.send(
    "deploy finished",
    as: "notifier",
    room: room,
    timeout: .seconds(5)
  )
  print("\(echo.user) in \(room) at \(echo.timestamp): \(echo.message)")
  client.close()
} catch let error as RPCError {
  print("chat-notify: \(error.code): \(error.message)")  // UNAVAILABLE: could not connect to ...
  exit(1)
}
