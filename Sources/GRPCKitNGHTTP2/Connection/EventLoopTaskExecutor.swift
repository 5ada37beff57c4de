package import NIOCore

/// Runs Swift tasks on a NIO event loop.
///
/// Server handlers (and their child tasks) prefer the loop that owns their connection, so a
/// message read from the socket reaches its handler, and the handler's response reaches the
/// nghttp2 session, without crossing threads. Handlers must not block: a blocked handler holds
/// up every connection on its loop (``NGHTTP2ServerConfiguration/handlerExecution``). The
/// `chat-load` benchmark client runs its streams the same way.
package final class EventLoopTaskExecutor: TaskExecutor {
  private let eventLoop: any EventLoop

  package init(eventLoop: any EventLoop) {
    self.eventLoop = eventLoop
  }

  package func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    self.eventLoop.execute {
      job.runSynchronously(on: self.asUnownedTaskExecutor())
    }
  }
}
