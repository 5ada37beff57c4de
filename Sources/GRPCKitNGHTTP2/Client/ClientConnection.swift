import NIOCore

/// One HTTP/2 connection of a client channel: the socket and the mailbox to its loop.
final class ClientConnection: Sendable {
  let channel: any Channel
  let mailbox: ConnectionMailbox<ClientStreamAction>
  /// The subchannel (address) the connection belongs to.
  let subchannelID: Int

  init(channel: any Channel, mailbox: ConnectionMailbox<ClientStreamAction>, subchannelID: Int) {
    self.channel = channel
    self.mailbox = mailbox
    self.subchannelID = subchannelID
  }
}
