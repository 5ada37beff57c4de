import GRPCTestSupport
import Testing

/// Process tests of rooms shared through Redis: each test starts its own `redis-server` and
/// several `chat-server` replicas on free loopback ports (and Python peers or proxies), and stops
/// them. They run one at a time: each keeps several processes busy, and the machine has two
/// cores.
@Suite("chat-server replicas sharing rooms through Redis", .serialized, .timeLimit(.minutes(5 * TestSlowdown.factor)))
enum RedisReplicaTests {}
