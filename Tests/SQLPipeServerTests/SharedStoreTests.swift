import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// Several real `sqlpipe serve` processes on one PostgreSQL store, as on several hosts: they share the
/// queue without running anything twice, recover the work of one that dies, and pass a cancel on to
/// whichever runs the work. The stores are PostgreSQL whatever `SQLPIPE_TEST_STORE` says, so the suite runs
/// in the first pass only.
@Suite(.serialized, .enabled(if: TestStore.onSQLite)) struct SharedStoreTests {
    struct Setup {
        let store: TestStore
        let world: TestWorld
        let pg: Int64
        var servers: [ServerProcess] = []

        init(servers count: Int) async throws {
            store = try TestStore(kind: .postgresql)
            world = try TestWorld()
            _ = try await store.sqlpipe.users.create(
                UserInput(username: APIHarness.admin.username, password: APIHarness.admin.password, admin: true))
            pg = try await store.sqlpipe.connections.create(try world.input(.postgresql, name: "pg")).id
            for _ in 0..<count {
                servers.append(try ServerProcess(storePath: store.path, arguments: ["--max-concurrency", "4"]))
            }
        }

        func client(_ index: Int) -> LiveClient { LiveClient(base: servers[index].url, user: APIHarness.admin) }

        func session() throws -> any DatabaseSession { try Drivers.open(try world.config(.postgresql)) }

        func transfer(_ id: Int64) async throws -> Transfer { try await store.sqlpipe.transfers.get(id) }

        /// The pid of the process that runs transfer `id` once it moves rows, and its staging table.
        func runner(of id: Int64) async throws -> (pid: Int32, staging: String?) {
            var found: (pid: Int32, staging: String?) = (0, nil)
            try await eventually(timeout: .seconds(30), "transfer \(id) to move rows") {
                let row = try await store.sqlpipe.store.findRun(TransferRow.self, id)
                found = (Int32(row.runnerPid ?? 0), row.stagingTable)
                return row.status == "running" && row.rowsTransferred > 0
            }
            return found
        }

        /// Queues a transfer through server `index` and returns its id.
        func queue(through index: Int, query: String, table: String, mode: String = "append") async throws -> Int64 {
            let response = try await client(index).request(
                "POST", "/api/v1/transfers",
                json: ["sourceID": pg, "targetID": pg, "query": query, "targetTable": table, "mode": mode])
            #expect(response.status == .accepted, "\(response.text)")
            return Int64(try #require(response.object("transfer")["id"] as? Int))
        }

        /// The ids of the transfers server `index` logged as started.
        func started(by index: Int) -> [Int64] {
            servers[index].log.all.filter { $0.contains("transfer started") }.compactMap { line in
                line.firstMatch(of: /\bid=(\d+)/).flatMap { Int64($0.1) }
            }
        }

        func stop() {
            for server in servers { server.stop() }
        }
    }

    @Test func threeServersRunSixtyQueuedTransfersEachExactlyOnce() async throws {
        let setup = try await Setup(servers: 3)
        defer { setup.stop() }
        let table = setup.world.uniqueName("shared")
        let session = try setup.session()
        defer {
            try? session.execute("DROP TABLE IF EXISTS \(table)")
            session.close()
        }
        try session.execute("CREATE TABLE \(table) (batch bigint, n bigint)")
        var ids: [Int64] = []
        for batch in 1...60 {
            ids.append(
                try await setup.queue(
                    through: batch % 3, query: "SELECT \(batch)::bigint AS batch, n FROM generate_series(1, 100) AS n",
                    table: table))
        }
        try await eventually(timeout: .seconds(120), "60 transfers to finish") {
            var finished = 0
            for id in ids where ![.queued, .running].contains(try await setup.transfer(id).status) { finished += 1 }
            return finished == ids.count
        }
        for id in ids {
            let transfer = try await setup.transfer(id)
            #expect(transfer.status == .complete, "transfer \(id): \(transfer.error ?? "")")
            #expect(transfer.rowsTransferred == 100)
        }
        let startedByServer = (0..<3).map { setup.started(by: $0) }
        let allStarts = startedByServer.flatMap { $0 }
        #expect(allStarts.count == 60, "each transfer is started once, by one server")
        #expect(Set(allStarts) == Set(ids))
        #expect(startedByServer.filter { !$0.isEmpty }.count >= 2, "the servers share the work: \(startedByServer)")
        let counts = try session.query("SELECT batch, count(*), sum(n) FROM \(table) GROUP BY batch ORDER BY batch", [])
        #expect(counts.count == 60)
        #expect(counts.allSatisfy { $0[1] == "100" && $0[2] == "5050" }, "every batch once, whole: \(counts)")
    }

    @Test func aKilledServersTransferIsMarkedInterruptedByAnotherAndItsTargetIsUntouched() async throws {
        let setup = try await Setup(servers: 2)
        defer { setup.stop() }
        let target = setup.world.uniqueName("killed")
        let other = setup.world.uniqueName("survivor")
        let session = try setup.session()
        defer {
            try? session.execute("DROP TABLE IF EXISTS \(target)")
            try? session.execute("DROP TABLE IF EXISTS \(other)")
            session.close()
        }
        try session.execute("CREATE TABLE \(target) (i bigint, v bigint)")
        try session.execute("INSERT INTO \(target) VALUES (1, 10), (2, 20)")
        let slow = try await setup.queue(through: 0, query: EndToEndTests.slowQuery, table: target, mode: "overwrite")
        let runner = try await setup.runner(of: slow)
        let killed = try #require(setup.servers.firstIndex { $0.process.processIdentifier == runner.pid })
        let survivor = 1 - killed
        let staging = try #require(runner.staging)
        setup.servers[killed].signal(SIGKILL)
        _ = setup.servers[killed].waitForExit(timeout: 10)

        // Work given to the survivor meanwhile is its own to finish.
        let quick = try await setup.queue(
            through: survivor, query: "SELECT n FROM generate_series(1, 1000) AS n", table: other, mode: "overwrite")
        try await eventually(timeout: .seconds(60), "the survivor to recover the killed server's transfer") {
            try await setup.transfer(slow).status == .error
        }
        let recovered = try await setup.transfer(slow)
        #expect(recovered.error?.contains("interrupted") == true, "\(recovered.error ?? "")")
        #expect(try session.query("SELECT i, v FROM \(target) ORDER BY i", []) == [["1", "10"], ["2", "20"]])
        try await eventually(timeout: .seconds(30), "the staging table to be dropped") {
            try session.query("SELECT 1 FROM pg_class WHERE relname = $1", [staging]).isEmpty
        }
        let finished = try await setup.client(survivor).waitFor(
            "/api/v1/transfers/\(quick)", key: "transfer", statuses: ["complete", "error"])
        #expect(finished["status"] as? String == "complete")
        #expect(try session.query("SELECT count(*) FROM \(other)", []) == [["1000"]])
    }

    @Test func aCancelSentToOneServerStopsTheTransferAnotherRuns() async throws {
        let setup = try await Setup(servers: 2)
        defer { setup.stop() }
        let target = setup.world.uniqueName("cancelled")
        let session = try setup.session()
        defer {
            try? session.execute("DROP TABLE IF EXISTS \(target)")
            session.close()
        }
        let slow = try await setup.queue(through: 0, query: EndToEndTests.slowQuery, table: target, mode: "overwrite")
        let runner = try await setup.runner(of: slow)
        let running = try #require(setup.servers.firstIndex { $0.process.processIdentifier == runner.pid })
        let elsewhere = 1 - running
        let cancel = try await setup.client(elsewhere).request("PATCH", "/api/v1/cancel-transfer/\(slow)")
        #expect(cancel.status == .ok, "\(cancel.text)")
        let asked = ContinuousClock.now
        let stopped = try await setup.client(elsewhere).waitFor(
            "/api/v1/transfers/\(slow)", key: "transfer", statuses: ["cancelled", "error", "complete"],
            timeout: .seconds(20))
        #expect(stopped["status"] as? String == "cancelled")
        #expect(ContinuousClock.now - asked < .seconds(10))
        #expect(setup.started(by: running) == [slow] && setup.started(by: elsewhere).isEmpty)
        #expect(
            try session.query("SELECT 1 FROM pg_class WHERE relname = $1", [target]).isEmpty,
            "no table is left behind")
    }

    @Test func threeProcessesThatMigrateAtOnceMakeOneSchema() async throws {
        let directory = try TemporaryDirectory.make()
        let (path, environment) = try TestStore.fresh(in: directory, kind: .postgresql)
        let runner = CommandRunner(storePath: path, environment: environment)
        async let first = runner.execute(["user", "list"])
        async let second = runner.execute(["user", "list"])
        async let third = runner.execute(["user", "list"])
        let results = try await [first, second, third]
        for result in results { #expect(result.status == 0, "\(result.stderr)") }
        let schema = try #require(path.split(separator: "=").last.map(String.init))
        let session = try Drivers.open(try TestWorld().config(.postgresql))
        defer {
            try? session.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            session.close()
        }
        #expect(try session.query("SELECT version FROM \(schema).sqlpipe_migrations", []) == [["1"]])
        let tables = try session.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", [schema]
        ).map { $0[0] ?? "" }
        #expect(
            tables == [
                "connections", "queries", "replication_runs", "replications", "sqlpipe_migrations", "sqlpipe_settings",
                "transfers", "users",
            ])
        #expect(try session.query("SELECT count(*) FROM \(schema).sqlpipe_settings", []) == [["1"]], "one key check")
    }
}
