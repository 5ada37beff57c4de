/// Where a ``RedisClient`` connects and how: address, credentials, database, TLS, timeouts,
/// backoff and reply limits.
///
/// ```swift
/// var configuration = try RedisConfiguration(url: "rediss://default:s3cret@10.0.0.3:6378/2")
/// configuration.trustRootsPath = "/etc/redis/server-ca.pem"
/// configuration.commandTimeout = .seconds(2)
/// let client = RedisClient(configuration: configuration, logger: logger)
/// ```
public struct RedisConfiguration: Sendable {
  /// The server's host name or IP address (an IPv6 address without brackets).
  public var host: String
  /// The server's port.
  public var port: Int
  /// The ACL user for `AUTH user password`; `nil` sends `AUTH password` (the `default` user).
  public var username: String?
  /// The password for `AUTH`; `nil` sends no `AUTH`.
  public var password: String?
  /// The database selected with `SELECT` on every connection (0 sends none).
  public var database: Int
  /// Connect with TLS (`rediss://`).
  public var useTLS: Bool
  /// With TLS, a PEM file of CA certificates to trust instead of the system's.
  public var trustRootsPath: String?
  /// With TLS, the name the server's certificate must carry (and the SNI sent) instead of
  /// ``host``.
  public var serverHostnameOverride: String?
  /// How long connecting may take: TCP, TLS, `AUTH` and `SELECT`.
  public var connectTimeout: Duration = .seconds(5)
  /// How long a command may wait for its reply; a command that times out closes the connection.
  public var commandTimeout: Duration = .seconds(5)
  /// The waits before connecting again after a failure.
  public var backoff = RedisBackoff()
  /// The most bytes one reply may take (a bulk string, or what arrived of a reply without its
  /// end).
  public var maximumReplyBytes = 64 << 20
  /// The most elements one array reply may have.
  public var maximumElements = 1_000_000

  /// Creates a configuration for a server.
  ///
  /// - Parameters:
  ///   - host: Host name or IP address (IPv6 without brackets).
  ///   - port: The port.
  ///   - username: The ACL user, if any.
  ///   - password: The password, if any.
  ///   - database: The database to select.
  ///   - useTLS: Connect with TLS.
  public init(
    host: String,
    port: Int = 6379,
    username: String? = nil,
    password: String? = nil,
    database: Int = 0,
    useTLS: Bool = false
  ) {
    self.host = host
    self.port = port
    self.username = username
    self.password = password
    self.database = database
    self.useTLS = useTLS
  }

  /// Parses `redis://[user:password@]host[:port][/db]`, or `rediss://...` for TLS.
  ///
  /// User and password are percent-decoded (`:password` alone authenticates the default user);
  /// the port defaults to 6379 and the database to 0; an IPv6 host goes in brackets
  /// (`redis://[::1]:6379`).
  ///
  /// - Parameter url: The URL.
  /// - Throws: ``RedisConfigurationError`` naming the rule the URL breaks.
  public init(url: String) throws(RedisConfigurationError) {
    let parsed = try RedisURL(url)
    self.init(
      host: parsed.host,
      port: parsed.port,
      username: parsed.username,
      password: parsed.password,
      database: parsed.database,
      useTLS: parsed.useTLS
    )
  }

  /// `host:port` (`[v6]:port` for an IPv6 address), for messages.
  public var address: String {
    self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
  }
}
