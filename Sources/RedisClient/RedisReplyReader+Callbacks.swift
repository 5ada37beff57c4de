internal import CHiredis

// hiredis's object functions: non-capturing closures that find the reader through the task's
// `privdata` (hiredis copies the reader's into every task), build ``RedisReplyNode``s and attach
// each to its parent (`task->parent->obj`). The root is passed retained; hiredis hands it back
// from `redisReaderGetReply`, or to `freeObject` when it gives up on the reply.
extension RedisReplyReader {
  /// The object functions every reader uses (hiredis keeps the pointer).
  nonisolated(unsafe) static let functions: UnsafeMutablePointer<redisReplyObjectFunctions> = {
    // Written once here and only read after: shared by every reader on every thread.
    let functions = UnsafeMutablePointer<redisReplyObjectFunctions>.allocate(capacity: 1)
    functions.initialize(
      to: redisReplyObjectFunctions(
        createString: { task, bytes, count in
          RedisReplyReader.createString(task!, UnsafeRawBufferPointer(start: bytes, count: count))
        },
        createArray: { task, count in RedisReplyReader.createArray(task!, count: Int(count)) },
        createInteger: { task, value in RedisReplyReader.place(.value(.integer(value)), task!) },
        createNil: { task in RedisReplyReader.place(.value(.null), task!) },
        freeObject: { object in
          guard let object else { return }
          Unmanaged<RedisReplyNode>.fromOpaque(object).release()
        }
      )
    )
    return functions
  }()

  private static func owner(_ task: UnsafePointer<redisReadTask>) -> RedisReplyReader {
    Unmanaged<RedisReplyReader>.fromOpaque(task.pointee.privdata!).takeUnretainedValue()
  }

  private static func createString(
    _ task: UnsafePointer<redisReadTask>,
    _ bytes: UnsafeRawBufferPointer
  ) -> UnsafeMutableRawPointer? {
    let value: RedisReply
    switch task.pointee.type {
    case REDIS_REPLY_STRING: value = .bulk(Array(bytes))
    case REDIS_REPLY_ERROR: value = .error(String(decoding: bytes, as: UTF8.self))
    default: value = .status(String(decoding: bytes, as: UTF8.self))
    }
    return self.place(.value(value), task)
  }

  /// Refuses (NULL, which hiredis reports as out of memory) an array over the limit, recording
  /// why; the declared count is not reserved.
  private static func createArray(
    _ task: UnsafePointer<redisReadTask>,
    count: Int
  ) -> UnsafeMutableRawPointer? {
    let reader = self.owner(task)
    guard count <= reader.maximumElements else {
      reader.refusal = RedisError(
        code: .replyTooLarge,
        message: "array of \(count) elements; limit \(reader.maximumElements) (maximumElements)"
      )
      return nil
    }
    return self.place(.array(RedisReplyNode(arrayOf: count)), task)
  }

  /// Attaches `element` to its parent array, or makes it the root. Returns what hiredis keeps
  /// for the task: the node of an array (it fills it through `task->obj`), the retained root,
  /// and for a finished value inside an array its parent (hiredis only checks it is not NULL).
  static func place(
    _ element: RedisReplyNode.Element,
    _ task: UnsafePointer<redisReadTask>
  ) -> UnsafeMutableRawPointer? {
    guard let parentObject = task.pointee.parent?.pointee.obj else {
      switch element {
      case .value(let value): return Unmanaged.passRetained(RedisReplyNode(leaf: value)).toOpaque()
      case .array(let node): return Unmanaged.passRetained(node).toOpaque()
      }
    }
    Unmanaged<RedisReplyNode>.fromOpaque(parentObject).takeUnretainedValue().append(element)
    switch element {
    case .value: return parentObject
    case .array(let node): return Unmanaged.passUnretained(node).toOpaque()
    }
  }
}
