// The lock every module of this package uses for state shared across threads.
//
// In ordinary builds `Mutex` is the standard library's `Synchronization.Mutex`, unchanged. On
// Linux that lock waits on a futex directly, which ThreadSanitizer does not intercept: under
// `--sanitize=thread` every access inside a `withLock` body then looks like a race. Built with
// GRPCKIT_TSAN defined (only `scripts/sanitize.sh thread` does so, see `Package.swift`), `Mutex`
// is a `pthread_mutex_t` lock with the same API, whose lock and unlock TSan sees as synchronisation.

#if GRPCKIT_TSAN
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A lock around a value; the `pthread_mutex_t` build that ThreadSanitizer can follow.
///
/// Same API as `Synchronization.Mutex`, which ordinary builds use instead:
///
/// ```swift
/// let count = Mutex(0)
/// count.withLock { $0 += 1 }
/// ```
package struct Mutex<Value: ~Copyable>: ~Copyable {
  // Both on the heap: a pthread mutex must not move once used, and the value is reached through
  // a pointer, so that TSan sees plain memory accesses ordered by the mutex rather than exclusive
  // accesses to a stored property, which it checks against every other access to the same object.
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private let value: UnsafeMutablePointer<Value>

  /// Creates a lock holding `initialValue`.
  package init(_ initialValue: consuming sending Value) {
    self.mutex = .allocate(capacity: 1)
    self.mutex.initialize(to: pthread_mutex_t())
    let error = pthread_mutex_init(self.mutex, nil)
    precondition(error == 0, "pthread_mutex_init failed: \(error)")
    self.value = .allocate(capacity: 1)
    self.value.initialize(to: initialValue)
  }

  deinit {
    self.value.deinitialize(count: 1)
    self.value.deallocate()
    pthread_mutex_destroy(self.mutex)
    self.mutex.deinitialize(count: 1)
    self.mutex.deallocate()
  }

  /// Runs `body` with exclusive access to the value and returns what it returns.
  ///
  /// - Parameter body: Reads or changes the value; runs with the lock held.
  /// - Returns: What `body` returns.
  /// - Throws: What `body` throws, after the lock is released.
  package borrowing func withLock<Result: ~Copyable, E: Error>(
    _ body: (inout sending Value) throws(E) -> sending Result
  ) throws(E) -> sending Result {
    let error = pthread_mutex_lock(self.mutex)
    precondition(error == 0, "pthread_mutex_lock failed: \(error)")
    defer { pthread_mutex_unlock(self.mutex) }
    return try body(&self.value.pointee)
  }
}

// The value is reached only with the pthread mutex held, as with `Synchronization.Mutex`.
extension Mutex: @unchecked Sendable where Value: ~Copyable {}
#else
package import Synchronization

/// A lock around a value: the standard library's `Synchronization.Mutex`.
///
/// Builds with GRPCKIT_TSAN defined replace it with a `pthread_mutex_t` lock of the same API that
/// ThreadSanitizer can follow (see `docs/ARCHITECTURE.md`, "Sanitizers").
///
/// ```swift
/// let count = Mutex(0)
/// count.withLock { $0 += 1 }
/// ```
package typealias Mutex<Value: ~Copyable> = Synchronization.Mutex<Value>
#endif
