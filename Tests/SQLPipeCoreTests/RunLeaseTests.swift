import Foundation
import GRDB
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// A run is alive while its runner renews its lease, whatever its pid and host say: in containers every
/// server is pid 1, and two containers may share a hostname and a store.
@Suite struct RunLeaseTests {
    struct Setup {
        let store: TestStore
        let world: TestWorld
        let connection: Connection

        init() async throws {
            store = try TestStore()
            world = try TestWorld()
            connection = try await store.sqlpipe.connections.create(try world.input(.postgresql, name: "pg"))
        }

        /// A queued query marked running by a runner that is not this test.
        func running(pid: Int, host: String, leaseExpiresAt: Date) async throws -> Int64 {
            let created = try await store.sqlpipe.queries.create(
                QueryInput(connectionId: connection.id, query: "SELECT 1"), by: .adminNamed("tester"))
            try await store.sqlpipe.store.write { tx in
                try tx.execute(
                    """
                    UPDATE queries SET status = 'running', started_at = ?, runner_pid = ?, runner_host = ?,
                    runner_token = 'someone-else', lease_expires_at = ? WHERE id = ?
                    """, Date(), pid, host, leaseExpiresAt, created.id)
            }
            return created.id
        }

        func status(_ id: Int64) async throws -> RunStatus {
            try await store.sqlpipe.queries.get(id, for: .machine).status
        }
    }

    @Test func aRunWithTheSamePidAndHostIsRecoveredOnceItsLeaseExpired() async throws {
        let setup = try await Setup()
        // Like a server that was pid 1 in its container and is pid 1 again after a restart: the pid lives.
        let expired = try await setup.running(
            pid: Runner.pid, host: Runner.host, leaseExpiresAt: Date().addingTimeInterval(-1))
        let live = try await setup.running(
            pid: Runner.pid, host: Runner.host, leaseExpiresAt: Date().addingTimeInterval(30))
        try await setup.store.sqlpipe.recoverInterrupted()
        #expect(try await setup.status(expired) == .error)
        #expect(
            try await setup.store.sqlpipe.queries.get(expired, for: .machine).error?.hasPrefix("interrupted") == true)
        #expect(try await setup.status(live) == .running)
    }

    @Test func aLiveRunOfAnotherContainerWithTheSameHostnameIsLeftAlone() async throws {
        let setup = try await Setup()
        // Its pid names nothing here, but it lives in another pid namespace: only its lease can tell.
        let hostname = Runner.host.split(separator: " ").first.map(String.init) ?? ""
        let other = "\(hostname) boot:\(UUID().uuidString) pidns:1"
        let id = try await setup.running(pid: 999_999, host: other, leaseExpiresAt: Date().addingTimeInterval(30))
        try await setup.store.sqlpipe.recoverInterrupted()
        #expect(try await setup.status(id) == .running)
        try await setup.store.sqlpipe.store.write { tx in
            try tx.execute("UPDATE queries SET lease_expires_at = ? WHERE id = ?", Date().addingTimeInterval(-1), id)
        }
        try await setup.store.sqlpipe.recoverInterrupted()
        #expect(try await setup.status(id) == .error)
    }

    @Test func aRunningQueryRenewsItsLease() async throws {
        let setup = try await Setup()
        let created = try await setup.store.sqlpipe.queries.create(
            QueryInput(connectionId: setup.connection.id, query: "SELECT pg_sleep(4)"), by: .adminNamed("tester"))
        let run = Task { try await setup.store.sqlpipe.queries.run(created.id) }
        // Claimed with a lease of `duration` from its start, then extended while it runs (the watcher
        // renews four times a second; a busy machine may take longer, hence the polling).
        var renewed = false
        let deadline = ContinuousClock.now + .seconds(10)
        while !renewed, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            let (lease, started, token) = try await setup.store.sqlpipe.store.read { tx in
                let row = try tx.rows(
                    "SELECT lease_expires_at, started_at, runner_token FROM queries WHERE id = ?", created.id
                ).first
                return (row?["lease_expires_at"] as Date?, row?["started_at"] as Date?, row?["runner_token"] as String?)
            }
            guard token != nil, let lease, let started else { continue }
            renewed = lease > started.addingTimeInterval(RunLease.duration + 0.2)
        }
        #expect(renewed, "the lease was never extended")
        let finished = try await run.value
        #expect(finished.status == .complete)
    }

    @Test func aRunTakenFromItsRunnerStopsAndIsNotOverwritten() async throws {
        let setup = try await Setup()
        let created = try await setup.store.sqlpipe.queries.create(
            QueryInput(connectionId: setup.connection.id, query: "SELECT pg_sleep(20)"), by: .adminNamed("tester"))
        let run = Task { try await setup.store.sqlpipe.queries.run(created.id) }
        try await Task.sleep(for: .milliseconds(500))
        // What recovery in another process does once it judged the lease expired.
        try await setup.store.sqlpipe.store.write { tx in
            try tx.execute(
                "UPDATE queries SET status = 'error', error = 'interrupted elsewhere', runner_token = NULL WHERE id = ?",
                created.id)
        }
        let started = ContinuousClock.now
        await #expect(throws: SQLPipeError.self) { try await run.value }
        #expect(ContinuousClock.now - started < .seconds(10))
        let row = try await setup.store.sqlpipe.queries.get(created.id, for: .machine)
        #expect(row.status == .error)
        #expect(row.error == "interrupted elsewhere")
    }
}
