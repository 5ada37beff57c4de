// The sanitizer script's self-check (scripts/sanitize.sh), compiled with
// Sources/GRPCLocking/Mutex.swift and -DGRPCKIT_TSAN into one program under ThreadSanitizer:
//
//   lock-visibility stdlib   two threads increment a Synchronization.Mutex<Int>: TSan must report
//                            a race it cannot see through, which shows the report check can fail
//   lock-visibility ours     the same with GRPCLocking's TSan build of Mutex: no report
//
// Both print the total, which must be 200000.
import Foundation
import Synchronization

final class StdlibCount: Sendable {
  let value = Synchronization.Mutex(0)
  func increment() { value.withLock { $0 += 1 } }
  var total: Int { value.withLock { $0 } }
}

final class OurCount: Sendable {
  let value = LockVisibility.Mutex(0)
  func increment() { value.withLock { $0 += 1 } }
  var total: Int { value.withLock { $0 } }
}

func incrementOnTwoThreads(_ increment: @escaping @Sendable () -> Void) {
  let finished = DispatchSemaphore(value: 0)
  for _ in 0..<2 {
    Thread {
      for _ in 0..<100_000 { increment() }
      finished.signal()
    }.start()
  }
  finished.wait()
  finished.wait()
}

@main
struct LockVisibilityCheck {
  static func main() {
    switch CommandLine.arguments.dropFirst().first {
    case "stdlib":
      let count = StdlibCount()
      incrementOnTwoThreads { count.increment() }
      print(count.total)
    case "ours":
      let count = OurCount()
      incrementOnTwoThreads { count.increment() }
      print(count.total)
    default:
      print("usage: lock-visibility stdlib|ours")
      exit(64)
    }
  }
}
