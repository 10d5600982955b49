import Foundation
import Logging
import SQLPipeCore
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeServer

/// The pool in-process: creation order across transfers and queries, the concurrency limit, shutdown.
@Suite struct WorkerPoolTests {
    struct Setup {
        let store: TestStore
        let world: TestWorld
        let pg: Connection
        var sqlpipe: SQLPipe { store.sqlpipe }

        init() async throws {
            store = try TestStore()
            world = try TestWorld()
            pg = try await store.sqlpipe.connections.create(try world.input(.postgresql, name: "pg"))
        }

        func pool(maxConcurrency: Int, grace: Duration = .seconds(30)) -> WorkerPool {
            WorkerPool(
                sqlpipe: sqlpipe,
                options: .init(maxConcurrency: maxConcurrency, shutdownGrace: grace, pollInterval: .milliseconds(50)),
                metrics: ServerMetrics(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        }

        func transfer(_ query: String, table: String) async throws -> Transfer {
            try await sqlpipe.transfers.create(
                TransferInput(
                    sourceID: pg.id, targetID: pg.id, query: query, targetTable: world.uniqueName(table),
                    overwrite: true),
                by: .adminNamed("tester"))
        }

        func drop(_ tables: [String]) {
            guard let session = try? Drivers.open(try world.config(.postgresql)) else { return }
            defer { session.close() }
            for table in tables {
                try? session.execute("DROP TABLE IF EXISTS \(session.dialect.quote(world.uniqueName(table)))")
            }
        }
    }

    @Test func workRunsInCreationOrderAcrossTransfersAndQueriesOneAtATime() async throws {
        let setup = try await Setup()
        defer { setup.drop(["wp_a", "wp_b"]) }
        let first = try await setup.transfer("SELECT pg_sleep(0.2)::text AS a", table: "wp_a")
        let second = try await setup.sqlpipe.queries.create(
            QueryInput(connectionId: setup.pg.id, query: "SELECT pg_sleep(0.2)"), by: .adminNamed("tester"))
        let third = try await setup.transfer("SELECT pg_sleep(0.2)::text AS b", table: "wp_b")
        let pool = setup.pool(maxConcurrency: 1)
        let running = Task { try await pool.run() }
        defer { pool.stop() }
        try await eventually("all three to finish") {
            try await setup.sqlpipe.transfers.get(third.id).status.isFinished
        }
        pool.stop()
        try await running.value
        let a = try await setup.sqlpipe.transfers.get(first.id)
        let b = try await setup.sqlpipe.queries.get(second.id, for: .machine)
        let c = try await setup.sqlpipe.transfers.get(third.id)
        #expect([a.status, b.status, c.status] == [.complete, .complete, .complete])
        let startedA = try #require(a.startedAt)
        let stoppedA = try #require(a.stoppedAt)
        let startedB = try #require(b.startedAt)
        let stoppedB = try #require(b.stoppedAt)
        let startedC = try #require(c.startedAt)
        #expect(startedA <= startedB && startedB <= startedC)
        #expect(stoppedA <= startedB && stoppedB <= startedC, "one at a time")
    }

    @Test func noMoreThanMaxConcurrencyRunAtOnce() async throws {
        let setup = try await Setup()
        let tables = (0..<5).map { "wp_c\($0)" }
        defer { setup.drop(tables) }
        var ids: [Int64] = []
        for table in tables { ids.append(try await setup.transfer("SELECT pg_sleep(0.4)::text AS a", table: table).id) }
        let pool = setup.pool(maxConcurrency: 2)
        let running = Task { try await pool.run() }
        defer { pool.stop() }
        var peak = 0
        try await eventually("all five to finish") {
            peak = max(peak, pool.runningCount)
            let page = try await setup.sqlpipe.transfers.list(PageRequest(pageSize: 100))
            let active = page.items.filter { $0.status == .running }.count
            #expect(active <= 2)
            return page.items.allSatisfy { $0.status == .complete }
        }
        #expect(peak == 2)
        pool.stop()
        try await running.value
        _ = ids
    }

    @Test func stoppingCancelsWhatIsStillRunningAfterTheGracePeriod() async throws {
        let setup = try await Setup()
        defer { setup.drop(["wp_slow"]) }
        let slow = try await setup.transfer("SELECT pg_sleep(60)::text AS a", table: "wp_slow")
        let pool = setup.pool(maxConcurrency: 1, grace: .milliseconds(300))
        let running = Task { try await pool.run() }
        try await eventually("the transfer to run") {
            try await setup.sqlpipe.transfers.get(slow.id).status == .running
        }
        let started = ContinuousClock.now
        pool.stop()
        try await running.value
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(try await setup.sqlpipe.transfers.get(slow.id).status == .cancelled)
    }

    @Test func workTakenByAnotherProcessIsSkipped() async throws {
        let setup = try await Setup()
        let transfer = try await setup.transfer("SELECT 1 AS a", table: "wp_taken")
        try await setup.sqlpipe.markRunningForTest(transfer: transfer.id)
        let error = await #expect(throws: SQLPipeError.self, "a claimed transfer cannot be run twice") {
            try await WorkRunner(sqlpipe: setup.sqlpipe).run(
                QueuedWork(kind: .transfer, id: transfer.id, createdAt: Date()), control: RunControl())
        }
        guard case .conflict(let message)? = error else {
            Issue.record("expected a conflict, got \(String(describing: error))")
            return
        }
        #expect(message.contains("only a queued transfer can run"), "\(message)")
    }
}
