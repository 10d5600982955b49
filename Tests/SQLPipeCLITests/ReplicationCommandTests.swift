import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

/// `sqlpipe replication …` as a user runs it: definitions from files and stdin, runs with their exit codes,
/// and runs stopped from another shell, by Ctrl-C and by SIGKILL. One case at a time: the stopped runs read
/// from the shared PostgreSQL server.
@Suite(.serialized) struct ReplicationCommandTests {
    struct Setup {
        let cli: CLI
        let world: TestWorld

        init(source: DataSystem = .sqlite) async throws {
            cli = try CLI()
            world = try TestWorld()
            let sourceConfig = try world.config(.sqlite, file: "shop.db")
            try await offPool {
                let session = try Drivers.open(sourceConfig)
                defer { session.close() }
                try session.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
                try session.execute("INSERT INTO items VALUES (1, 'a'), (2, NULL), (3, '')")
                try session.execute("CREATE TABLE audit_1 (id INTEGER PRIMARY KEY, event TEXT)")
                try session.execute("CREATE TABLE audit_2 (id INTEGER PRIMARY KEY, event TEXT)")
            }
            try await cli.succeed(
                "connection", "create", "--name", "shop", "--url", "sqlite://" + world.directory.path + "/shop.db")
            try await cli.succeed(
                "connection", "create", "--name", "warehouse",
                "--url", "sqlite://" + world.directory.path + "/warehouse.db")
            if source == .postgresql {
                let (url, password) = try splitPassword(try TestDatabases.postgresURL())
                try await cli.succeed(
                    "connection", "create", "--name", "pg", "--url", url, "--password-stdin", stdin: password)
            }
        }

        func file(_ name: String, _ text: String) throws -> String {
            let path = world.directory.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func warehouseTables() async throws -> [String] {
            let config = try world.config(.sqlite, file: "warehouse.db")
            return try await offPool {
                let session = try Drivers.open(config)
                defer { session.close() }
                return try session.tableNames(in: "")
            }
        }
    }

    static let nightly = """
        name: nightly
        source: shop
        target: warehouse
        defaults:
          mode: upsert
        streams:
          - table: items
          - table: "audit_*"
            mode: overwrite
        """

    @Test func createShowRunAndListRuns() async throws {
        let setup = try await Setup()
        let created = try await setup.cli.succeed(
            "replication", "create", "--file", try setup.file("n.yaml", Self.nightly))
        #expect(created.contains("nightly"))
        #expect(created.contains("streams[1]"))
        let listed = try await setup.cli.succeed("replication", "list")
        #expect(listed.contains("nightly"))

        let output = try await setup.cli.succeed("replication", "run", "nightly")
        #expect(output.contains("replication run 1: 3 of 3 streams complete"), "\(output)")
        #expect(output.contains("audit_2"))
        #expect(try await setup.warehouseTables() == ["audit_1", "audit_2", "items"])

        let again = try await setup.cli.json("replication", "run", "nightly")
        let run = try #require(again["run"] as? [String: Any])
        #expect(run["status"] as? String == "complete")
        #expect((run["streams"] as? [[String: Any]])?.first?["rowsUpdated"] as? Int == 0)

        // From cron: nothing on stdout or stderr when every stream completed.
        let quiet = try await setup.cli.run("replication", "run", "nightly", "--quiet")
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet.stdout)\(quiet.stderr)")

        let runs = try await setup.cli.succeed("replication", "runs", "nightly")
        let lines = runs.split(separator: "\n")
        #expect(lines.count >= 4 && lines[1].hasPrefix("3 ") && lines[3].hasPrefix("1 "), "newest first: \(runs)")
        let shown = try await setup.cli.succeed("replication", "show-run", "1")
        #expect(shown.contains("items") && shown.contains("complete"))
    }

    @Test func aFailingStreamExitsOneAndTheOthersComplete() async throws {
        let setup = try await Setup()
        let definition = """
            {"name": "partly", "source": "shop", "target": "warehouse",
             "streams": [{"query": "SELECT * FROM no_such_table", "targetTable": "broken"}, {"table": "items"}]}
            """
        try await setup.cli.succeed("replication", "create", "--file", "-", stdin: definition)
        let result = try await setup.cli.run("replication", "run", "partly")
        #expect(result.status == 1)
        #expect(result.stderr.contains("1 of 2 streams complete"), "\(result.stderr)")
        #expect(result.stdout.contains("no_such_table"))
        #expect(try await setup.warehouseTables() == ["items"])
    }

    @Test func badDefinitionsSayWhatAndWhere() async throws {
        let setup = try await Setup()
        let unknown = try await setup.cli.fail(
            "replication", "create", "--file", "-",
            stdin: "name: x\nsource: shop\ntarget: warehouse\nstreams:\n  - tabel: items\n")
        #expect(unknown.contains("streams[0].tabel: unknown field"), "\(unknown)")
        let cron = try await setup.cli.fail(
            "replication", "create", "--file", "-",
            stdin: "name: x\nsource: shop\ntarget: warehouse\nstreams: [{table: items}]\nschedule: '0 0 31 2 *'\n")
        #expect(cron.contains("schedule: day-of-month \"31\" never occurs"), "\(cron)")
        let yaml = try await setup.cli.fail("replication", "create", "--file", "-", stdin: "name: [x\n")
        #expect(yaml.contains("line"), "\(yaml)")
        let missing = try await setup.cli.fail("replication", "run", "nope")
        #expect(missing.contains("no replication with id or name 'nope'"), "\(missing)")
    }

    enum Stop: String, CaseIterable, Sendable { case cancel, interrupt, kill }

    @Test(arguments: Stop.allCases)
    func aStoppedRunLeavesItsTargetsAsTheyWere(_ stop: Stop) async throws {
        let setup = try await Setup(source: .postgresql)
        try await setup.cli.succeed(
            "replication", "create", "--file", "-",
            stdin: """
                name: slow
                source: pg
                target: warehouse
                streams:
                  - query: SELECT i, pg_sleep(0.0005)::text AS s FROM generate_series(1, 2000000) AS i
                    targetTable: slow_\(stop)
                  - query: SELECT 1 AS x
                    targetTable: never
                """)
        let (process, errors) = try await setup.cli.startTransfer(["replication", "run", "slow"], id: 1)
        switch stop {
        case .cancel: try await setup.cli.succeed("replication", "cancel", "1")
        case .interrupt: kill(process.processIdentifier, SIGINT)
        case .kill: kill(process.processIdentifier, SIGKILL)
        }
        await waitForExit(process)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        switch stop {
        case .cancel: #expect(process.terminationStatus == 1, "\(stderr)")
        case .interrupt: #expect(process.terminationStatus == 130, "\(stderr)")
        case .kill: #expect(process.terminationReason == .uncaughtSignal)
        }
        #expect(try await setup.warehouseTables() == [])
        let shown = try #require(try await setup.cli.json("replication", "show-run", "1")["run"] as? [String: Any])
        let streams = shown["streams"] as? [[String: Any]] ?? []
        if stop == .kill {
            #expect(shown["status"] as? String == "error")
            #expect((shown["error"] as? String)?.hasPrefix("interrupted") == true, "\(shown)")
            #expect(streams.first?["status"] as? String == "error")
        } else {
            #expect(shown["status"] as? String == "cancelled", "\(shown)")
            #expect(streams.map { $0["status"] as? String } == ["cancelled", "cancelled"])
        }
    }
}
