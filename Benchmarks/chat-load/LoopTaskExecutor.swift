import NIOCore

/// Runs Swift tasks on a NIO event loop, the one that owns their connection, so an echo read
/// from the socket reaches its stream's task, and the next request reaches the nghttp2 session,
/// without a thread hop: the way chatload drives its streams inline on its completion queue.
final class LoopTaskExecutor: TaskExecutor {
  private let eventLoop: any EventLoop

  init(eventLoop: any EventLoop) {
    self.eventLoop = eventLoop
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    self.eventLoop.execute {
      job.runSynchronously(on: self.asUnownedTaskExecutor())
    }
  }
}
