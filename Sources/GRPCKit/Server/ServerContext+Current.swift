extension ServerContext {
  /// The context of the server call whose handler (or interceptor) runs in this task; bound by
  /// the server for the handler's task and inherited by its child tasks and by `Task {}` (not by
  /// `Task.detached`).
  @TaskLocal static var bound: ServerContext?

  /// The context of the server call the current task serves, if any.
  ///
  /// Inside a handler, its child tasks and unstructured tasks it creates with `Task {}`, this
  /// is the call's context; elsewhere (and in `Task.detached`) it is `nil`. ``GRPCClient`` reads
  /// it to pass the call's deadline and cancellation on to the calls a handler makes.
  ///
  /// ```swift
  /// func get(request: Request, context: ServerContext) async throws -> Response {
  ///   // ServerContext.current === context
  ///   try await inventory.lookup(request.item)  // takes the time this call has left
  /// }
  /// ```
  public static var current: ServerContext? { Self.bound }
}
