extension RedisError {
  /// The failure of a reader limit or protocol rule (its message names the rule).
  var failure: RedisFailure {
    RedisFailure(self.code, self.message, serverMessage: self.serverMessage)
  }
}
