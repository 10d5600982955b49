import Foundation
import HTTPTypes
import Logging
import SQLPipeCore
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeServer

/// `/api/v1/replications`, their runs, and the schedules `serve` keeps, in-process on SQLite files.
@Suite struct ReplicationRouteTests {
    /// A harness with two SQLite connections, a source table `items` of three rows, and a definition.
    struct Setup {
        let harness: APIHarness
        let world: TestWorld

        init(runWorkers: Bool = false) async throws {
            harness = try await APIHarness(runWorkers: runWorkers)
            world = try TestWorld()
            _ = try await harness.sqlpipe.connections.create(try world.input(.sqlite, name: "shop", file: "shop.db"))
            _ = try await harness.sqlpipe.connections.create(
                try world.input(.sqlite, name: "warehouse", file: "warehouse.db"))
            let config = try world.config(.sqlite, file: "shop.db")
            try await offPool {
                let session = try Drivers.open(config)
                defer { session.close() }
                try session.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
                try session.execute("INSERT INTO items VALUES (1, 'a'), (2, NULL), (3, '')")
            }
        }

        static let definition = """
            {"name": "nightly", "source": "shop", "target": "warehouse",
             "defaults": {"mode": "upsert"}, "streams": [{"table": "items"}], "concurrency": 2}
            """

        func targetRows() async throws -> [[String?]] {
            let config = try world.config(.sqlite, file: "warehouse.db")
            return try await offPool {
                let session = try Drivers.open(config)
                defer { session.close() }
                return try session.query("SELECT id, name FROM items ORDER BY id", [])
            }
        }
    }

    @Test func adminsDefineAnyUserRuns() async throws {
        let setup = try await Setup(runWorkers: true)
        try await setup.harness.test { (api: APIClient) async throws in
            let refused = try await api.request(
                .post, "/api/v1/replications", as: APIHarness.plain, body: Setup.definition)
            #expect(refused.status == .forbidden)

            let created = try await api.request(.post, "/api/v1/replications", body: Setup.definition)
            #expect(created.status == .created, "\(created.text)")
            let replication = created.object("replication")
            let id = try #require(replication["id"] as? Int)
            #expect(replication["name"] as? String == "nightly")
            #expect(replication["concurrency"] as? Int == 2)
            #expect(replication["schedule"] is NSNull)

            let started = try await api.request(.post, "/api/v1/replications/\(id)/runs", as: APIHarness.plain)
            #expect(started.status == .accepted, "\(started.text)")
            let runID = try #require(started.object("run")["id"] as? Int)
            #expect(started.object("run")["createdBy"] as? String == "plain_1")

            var run: [String: Any] = [:]
            for _ in 0..<200 {
                run = try await api.request(.get, "/api/v1/replication-runs/\(runID)", as: APIHarness.plain).object(
                    "run")
                if run["status"] as? String == "complete" || run["status"] as? String == "error" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(run["status"] as? String == "complete", "\(run)")
            let streams = run["streams"] as? [[String: Any]] ?? []
            #expect(streams.count == 1)
            #expect(streams.first?["rowsTransferred"] as? Int == 3)
            #expect(streams.first?["transferID"] as? Int != nil)

            let runs = try await api.request(.get, "/api/v1/replications/\(id)/runs")
            #expect(runs.status == .ok)
            #expect(runs.list("runs").map { $0["id"] as? Int } == [runID])
            #expect(runs.metadata["total_records"] == 1)
        }
        #expect(try await setup.targetRows() == [["1", "a"], ["2", nil], ["3", ""]])
    }

    @Test func aCancelThroughTheAPIStopsARunningRun() async throws {
        let setup = try await Setup(runWorkers: true)
        let definition = """
            {"name": "long", "source": "shop", "target": "warehouse", "streams": [
              {"query": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500000000) SELECT i FROM n",
               "targetTable": "long"}]}
            """
        try await setup.harness.test { (api: APIClient) async throws in
            let id = try #require(
                try await api.request(.post, "/api/v1/replications", body: definition).object("replication")["id"]
                    as? Int)
            let runID = try #require(
                try await api.request(.post, "/api/v1/replications/\(id)/runs", as: APIHarness.plain).object("run")[
                    "id"]
                    as? Int)
            try await eventually("the stream to run") {
                let run = try await api.request(.get, "/api/v1/replication-runs/\(runID)").object("run")
                let streams = run["streams"] as? [[String: Any]] ?? []
                return streams.first?["status"] as? String == "running"
            }
            let cancel = try await api.request(.patch, "/api/v1/cancel-replication-run/\(runID)", as: APIHarness.plain)
            #expect(cancel.status == .ok)
            var run: [String: Any] = [:]
            try await eventually("the run to stop") {
                run = try await api.request(.get, "/api/v1/replication-runs/\(runID)").object("run")
                return run["status"] as? String != "running"
            }
            #expect(run["status"] as? String == "cancelled", "\(run)")
        }
        let config = try setup.world.config(.sqlite, file: "warehouse.db")
        let tables = try await offPool {
            let session = try Drivers.open(config)
            defer { session.close() }
            return try session.tableNames(in: "")
        }
        #expect(tables.isEmpty)
    }

    @Test func badDefinitionsAre422NamingTheField() async throws {
        let setup = try await Setup()
        try await setup.harness.test { (api: APIClient) async throws in
            let cases: [(String, String)] = [
                (
                    #"{"name": "n", "source": "shop", "target": "warehouse", "streams": [{"table": "items", "mdoe": "x"}]}"#,
                    "streams[0].mdoe"
                ),
                (
                    #"{"name": "n", "source": "shop", "target": "warehouse", "streams": [{"table": "items", "mode": "x"}]}"#,
                    "streams[0].mode"
                ),
                (#"{"name": "n", "source": "nope", "target": "warehouse", "streams": [{"table": "items"}]}"#, "source"),
                (
                    #"{"name": "n", "source": "shop", "target": "warehouse", "streams": [{"table": "items"}], "schedule": "0 25 * * *"}"#,
                    "schedule"
                ),
                (
                    #"{"name": "n", "source": "shop", "target": "warehouse", "streams": [{"table": "items"}], "extra": 1}"#,
                    "extra"
                ),
            ]
            for (body, field) in cases {
                let response = try await api.request(.post, "/api/v1/replications", body: body)
                #expect(response.status == .unprocessableContent, "\(body): \(response.text)")
                #expect(response.errorFields?[field] != nil, "\(body): \(response.text)")
            }
            let malformed = try await api.request(.post, "/api/v1/replications", body: #"{"name": "#)
            #expect(malformed.status == .badRequest)
        }
    }

    @Test func patchReplacesTheFieldsGivenAndDeleteWaitsForTheRun() async throws {
        let setup = try await Setup()
        try await setup.harness.test { (api: APIClient) async throws in
            let id = try #require(
                try await api.request(.post, "/api/v1/replications", body: Setup.definition).object("replication")["id"]
                    as? Int)
            let patched = try await api.request(
                .patch, "/api/v1/replications/\(id)", body: #"{"schedule": "30 2 * * *", "timezone": "Europe/Berlin"}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched.object("replication")["schedule"] as? String == "30 2 * * *")
            #expect(patched.object("replication")["nextRunAt"] as? String != nil)
            #expect((patched.object("replication")["streams"] as? [[String: Any]])?.count == 1)

            // No workers here: the run stays queued.
            let run = try await api.request(.post, "/api/v1/replications/\(id)/runs", body: #"{"stream": "items"}"#)
            #expect(run.status == .accepted, "\(run.text)")
            let runID = try #require(run.object("run")["id"] as? Int)
            #expect(run.object("run")["streamFilter"] as? String == "items")
            let again = try await api.request(.post, "/api/v1/replications/\(id)/runs")
            #expect(again.status == .conflict)
            let busy = try await api.request(.delete, "/api/v1/replications/\(id)")
            #expect(busy.status == .conflict)
            let cancelled = try await api.request(
                .patch, "/api/v1/cancel-replication-run/\(runID)", as: APIHarness.plain)
            #expect(cancelled.object("run")["status"] as? String == "cancelled")
            let deleted = try await api.request(.delete, "/api/v1/replications/\(id)")
            #expect(deleted.status == .ok)
            let gone = try await api.request(.get, "/api/v1/replication-runs/\(runID)")
            #expect(gone.status == .notFound)
        }
    }

    /// A clock the test moves.
    final class TestClock: @unchecked Sendable {
        private let lock = NSLock()
        private var time: Date
        init(_ time: Date) { self.time = time }
        var now: Date {
            get { lock.withLock { time } }
            set { lock.withLock { time = newValue } }
        }
    }

    @Test func aScheduleStartsOneRunPerDueTimeAndNoneMissedWhileDown() async throws {
        let setup = try await Setup()
        let sqlpipe = setup.harness.sqlpipe
        let created = try await sqlpipe.replications.create(
            try ReplicationDefinition.parse(
                "name: often\nsource: shop\ntarget: warehouse\nstreams: [{table: items}]\nschedule: '*/5 * * * *'"),
            by: .adminNamed("admin"))
        let due = try #require(created.nextRunAt)
        let clock = TestClock(due.addingTimeInterval(-30))
        func scheduler() -> ReplicationScheduler {
            ReplicationScheduler(
                replications: sqlpipe.replications, workers: nil,
                options: .init(interval: .seconds(1), missedAfter: 60, now: { clock.now }),
                logger: Logger(label: "test"))
        }
        // Two servers on one store.
        let (one, two) = (scheduler(), scheduler())
        #expect(await one.tick(first: true).isEmpty)
        clock.now = due.addingTimeInterval(1)
        let started = await one.tick()
        #expect(await two.tick().isEmpty, "the other server sees the due time taken")
        #expect(started.count == 1)
        #expect(started.first?.scheduledFor == due)
        #expect(await one.tick().isEmpty)

        // The next due time comes while that run is still queued: skipped, and counted on the next run.
        clock.now = due.addingTimeInterval(301)
        #expect(await two.tick().isEmpty)
        let firstRun = try #require(started.first)
        _ = try await sqlpipe.replications.cancelRun(firstRun.id)
        clock.now = due.addingTimeInterval(601)
        let third = await one.tick()
        #expect(third.count == 1)
        #expect(third.first?.skippedDueTimes == 1)
        #expect(third.first?.scheduledFor == due.addingTimeInterval(600))
        _ = try await sqlpipe.replications.cancelRun(try #require(third.first).id)

        // Down for an hour: the first look after the restart makes up nothing, and the schedule goes on.
        clock.now = due.addingTimeInterval(4_200)
        let restarted = scheduler()
        #expect(await restarted.tick(first: true).isEmpty)
        let replication = try await sqlpipe.replications.get("often")
        #expect(replication.nextRunAt == due.addingTimeInterval(4_500))
        let runs = try await sqlpipe.replications.runs(of: "often", try PageRequest(pageSize: 100))
        #expect(runs.metadata.totalRecords == 2)
    }
}
