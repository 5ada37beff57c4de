import GRPCKit
import HealthService
import Testing

@Suite("grpc.health.v1.Health")
struct HealthServiceTests {
  @Test("Check reports the server as SERVING by default")
  func checkReportsServerServing() async throws {
    let response = try await withHealthClient(HealthService()) { client in
      try await client.check(.init(service: ""), options: bounded)
    }
    #expect(response.status == .serving)
  }

  @Test("Check reports the status set for a service")
  func checkReportsStatusSet() async throws {
    let health = HealthService()
    health.setStatus(.notServing, forService: "ChatService")
    let response = try await withHealthClient(health) { client in
      try await client.check(.init(service: "ChatService"), options: bounded)
    }
    #expect(response.status == .notServing)
  }

  @Test("Check fails with NOT_FOUND for an unknown service")
  func checkUnknownServiceIsNotFound() async throws {
    let error = try await withHealthClient(HealthService()) { client in
      await #expect(throws: RPCError.self) {
        try await client.check(.init(service: "nope.Service"), options: bounded)
      }
    }
    #expect(error?.code == .notFound)
    #expect(error?.message.contains("nope.Service") == true)
  }

  @Test("Watch sends the current status, then a change")
  func watchSendsCurrentStatusThenChange() async throws {
    let health = HealthService()
    health.setStatus(.serving, forService: "ChatService")
    let statuses = try await withHealthClient(health) { client in
      try await client.watch(.init(service: "ChatService"), options: bounded) { responses in
        var iterator = responses.makeAsyncIterator()
        let first = try await iterator.nextMessage().status
        health.setStatus(.notServing, forService: "ChatService")
        let second = try await iterator.nextMessage().status
        return [first, second]
      }
    }
    #expect(statuses == [.serving, .notServing])
  }

  @Test("Watch of an unknown service sends SERVICE_UNKNOWN, then its status once set")
  func watchUnknownServiceSendsServiceUnknown() async throws {
    let health = HealthService()
    let statuses = try await withHealthClient(health) { client in
      try await client.watch(.init(service: "later.Service"), options: bounded) { responses in
        var iterator = responses.makeAsyncIterator()
        let first = try await iterator.nextMessage().status
        health.setStatus(.serving, forService: "later.Service")
        let second = try await iterator.nextMessage().status
        return [first, second]
      }
    }
    #expect(statuses == [.serviceUnknown, .serving])
  }

  @Test("Watch does not repeat a status that did not change")
  func watchSkipsUnchangedStatus() async throws {
    let health = HealthService()
    let statuses = try await withHealthClient(health) { client in
      try await client.watch(.init(service: ""), options: bounded) { responses in
        var iterator = responses.makeAsyncIterator()
        let first = try await iterator.nextMessage().status
        health.setStatus(.serving, forService: "")
        health.setStatus(.notServing, forService: "")
        let second = try await iterator.nextMessage().status
        return [first, second]
      }
    }
    #expect(statuses == [.serving, .notServing])
  }

  @Test("Shutdown turns every service NOT_SERVING and ignores later updates")
  func shutdownTurnsEveryServiceNotServing() async throws {
    let health = HealthService()
    health.setStatus(.serving, forService: "ChatService")
    health.enterShutdown()
    health.setStatus(.serving, forService: "ChatService")
    let statuses = try await withHealthClient(health) { client in
      [
        try await client.check(.init(service: ""), options: bounded).status,
        try await client.check(.init(service: "ChatService"), options: bounded).status,
      ]
    }
    #expect(statuses == [.notServing, .notServing])
  }

  @Test("Shutdown sends NOT_SERVING to watchers")
  func shutdownNotifiesWatchers() async throws {
    let health = HealthService()
    let statuses = try await withHealthClient(health) { client in
      try await client.watch(.init(service: ""), options: bounded) { responses in
        var iterator = responses.makeAsyncIterator()
        let first = try await iterator.nextMessage().status
        health.enterShutdown()
        let second = try await iterator.nextMessage().status
        return [first, second]
      }
    }
    #expect(statuses == [.serving, .notServing])
  }

  @Test("Ending watches ends an open Watch with UNAVAILABLE after its last status")
  func endWatchesEndsWatchWithUnavailable() async throws {
    let health = HealthService()
    let (statuses, error) = try await withHealthClient(health) { client in
      try await client.watch(.init(service: ""), options: bounded) { responses in
        var iterator = responses.makeAsyncIterator()
        var statuses = [try await iterator.nextMessage().status]
        health.enterShutdown()
        health.endWatches()
        do {
          while let response = try await iterator.next() { statuses.append(response.status) }
          return (statuses, RPCError?.none)
        } catch let error as RPCError {
          return (statuses, error)
        }
      }
    }
    #expect(statuses == [.serving, .notServing])
    #expect(error?.code == .unavailable)
  }

  @Test("A Watch started after the watches ended sends its status, then ends with UNAVAILABLE")
  func watchAfterEndWatchesEndsAtOnce() async throws {
    let health = HealthService()
    health.enterShutdown()
    health.endWatches()
    let (statuses, error) = try await withHealthClient(health) { client in
      try await client.watch(.init(service: ""), options: bounded) { responses in
        var statuses: [HealthService.ServingStatus] = []
        do {
          for try await response in responses { statuses.append(response.status) }
          return (statuses, RPCError?.none)
        } catch let error as RPCError {
          return (statuses, error)
        }
      }
    }
    #expect(statuses == [.notServing])
    #expect(error?.code == .unavailable)
  }
}
