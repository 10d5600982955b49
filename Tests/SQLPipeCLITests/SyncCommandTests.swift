import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

/// The modes as a cron job runs them: the same command twice with changes at the source in between, and
/// runs stopped by a cancel from a second process, Ctrl-C and SIGKILL. One case at a time: each starts
/// several processes, and together they would starve the tests that time how fast the server answers.
@Suite(.serialized) struct SyncCommandTests {
    static let targets: [DataSystem] = [.postgresql, .mariadb, .sqlite]

    struct Setup {
        var cli: CLI
        var world: TestWorld
        var source: String
        var targetConfig: ConnectionConfig
    }

    /// A store with PostgreSQL source `pg` holding `orders` (ids 1…5), and target `dst` on `target`.
    static func setUp(target: DataSystem) async throws -> Setup {
        let cli = try CLI()
        let world = try TestWorld()
        let (url, password) = try splitPassword(TestDatabases.postgresURL())
        try await cli.succeed(
            "connection", "create", "--name", "pg", "--url", url, "--password-stdin", stdin: password + "\n")
        let targetConfig = try world.config(target, file: "dst.db")
        switch target {
        case .sqlite:
            try await cli.succeed(
                "connection", "create", "--name", "dst", "--url", "sqlite://" + targetConfig.database)
        case .postgresql, .mariadb, .mysql:
            let (targetURL, targetPassword) = try splitPassword(
                target == .postgresql ? TestDatabases.postgresURL() : TestDatabases.mariadbURL())
            try await cli.succeed(
                "connection", "create", "--name", "dst", "--url", targetURL, "--password-stdin",
                stdin: targetPassword + "\n")
        }
        let source = world.uniqueName("orders")
        let postgres = try world.config(.postgresql)
        // Off the cooperative pool: a blocking call there would hold up every other test of the process.
        try await offPool {
            let session = try Drivers.open(postgres)
            defer { session.close() }
            try session.execute(
                "CREATE TABLE \(source) (id bigint PRIMARY KEY, item text, qty int, updated_at timestamp(6))")
            try session.execute(
                "INSERT INTO \(source) SELECT i, 'item ' || i, i, timestamp '2024-01-01' + i * interval '1 second' FROM generate_series(1, 5) AS i"
            )
        }
        return Setup(cli: cli, world: world, source: source, targetConfig: targetConfig)
    }

    static func onSource(_ setup: Setup, _ sql: String) async throws {
        let postgres = try setup.world.config(.postgresql)
        try await offPool {
            let session = try Drivers.open(postgres)
            defer { session.close() }
            try session.execute(sql)
        }
    }

    static func targetRows(_ setup: Setup, table: String) async throws -> [[String?]] {
        let config = setup.targetConfig
        return try await offPool {
            let session = try Drivers.open(config)
            defer { session.close() }
            let quoted = session.dialect.quote(table)
            return try session.query("SELECT id, item, qty FROM \(quoted) ORDER BY id, qty", [])
        }
    }

    /// Drops both tables on a thread of its own: a `defer` cannot wait, and must not block the pool.
    static func dropTarget(_ setup: Setup, table: String) {
        let (config, source) = (setup.targetConfig, setup.source)
        let postgres = try? setup.world.config(.postgresql)
        BackgroundCleanup.run {
            if let session = try? Drivers.open(config) {
                try? session.execute("DROP TABLE IF EXISTS \(session.dialect.quote(table))")
                session.close()
            }
            if let postgres, let session = try? Drivers.open(postgres) {
                try? session.execute("DROP TABLE IF EXISTS \(source)")
                session.close()
            }
        }
    }

    /// The options of each mode's cron line.
    static func options(_ mode: TransferMode) -> [String] {
        switch mode {
        case .append, .overwrite, .truncate: ["--mode", mode.rawValue]
        case .upsert: ["--mode", "upsert", "--primary-key", "id", "--delete-missing"]
        case .incremental: ["--mode", "incremental", "--cursor-column", "updated_at", "--primary-key", "id"]
        }
    }

    static let cases: [(TransferMode, DataSystem)] = TransferMode.allCases.flatMap { mode in
        targets.map { (mode, $0) }
    }

    @Test(arguments: cases)
    func aCronLineRunTwiceKeepsTheTargetInStep(mode: TransferMode, target: DataSystem) async throws {
        let setup = try await Self.setUp(target: target)
        let table = setup.world.uniqueName("orders_copy")
        defer { Self.dropTarget(setup, table: table) }
        let line =
            [
                "transfer", "create", "--source", "pg", "--target", "dst", "--query", "SELECT * FROM \(setup.source)",
                "--target-table", table,
            ] + Self.options(mode)
        let first = try await setup.cli.runner.execute(line, stdin: nil, extraEnvironment: [:])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("5 rows read into \(table)"), "\(first.stdout)")

        try await Self.onSource(
            setup,
            """
            UPDATE \(setup.source) SET qty = 30, updated_at = '2024-02-01' WHERE id = 3;
            DELETE FROM \(setup.source) WHERE id = 1;
            INSERT INTO \(setup.source) VALUES (6, 'item 6', 6, '2024-02-01');
            """)
        let second = try await setup.cli.runner.execute(line, stdin: nil, extraEnvironment: [:])
        #expect(second.status == 0, "\(second.stderr)")
        let rows = try await Self.targetRows(setup, table: table)
        let now: [[String?]] = [2, 3, 4, 5, 6].map { id in ["\(id)", "item \(id)", id == 3 ? "30" : "\(id)"] }
        let before: [[String?]] = (1...5).map { ["\($0)", "item \($0)", "\($0)"] }
        switch mode {
        case .overwrite, .truncate, .upsert:
            #expect(rows == now)
        case .append:
            #expect(
                rows == (before + now).sorted { Int($0[0]!)! < Int($1[0]!)! || ($0[0] == $1[0] && $0[2]! < $1[2]!) })
        case .incremental:
            // It cannot see the delete; it updates 3 and inserts 6.
            #expect(rows == [before[0]] + now)
        }
        let summary = second.stdout
        switch mode {
        case .upsert: #expect(summary.contains(": 1 inserted, 1 updated, 1 deleted"), "\(summary)")
        case .incremental:
            // Rows 3 and 6, and row 5 at the mark, read again.
            #expect(summary.contains("3 rows read into"), "\(summary)")
            #expect(summary.contains(": 1 inserted, 1 updated"), "\(summary)")
            #expect(summary.contains("cursor 2024-01-01 00:00:05"), "\(summary)")
            #expect(summary.contains(" → 2024-02-01 00:00:00"), "\(summary)")
        default: #expect(summary.contains("5 rows read into"), "\(summary)")
        }
        let shown = try #require(try await setup.cli.json("transfer", "show", "2")["transfer"] as? [String: Any])
        #expect(shown["mode"] as? String == mode.rawValue)
        #expect(shown["status"] as? String == "complete")
    }

    /// Starts an upsert that reads slowly, and waits until it has moved rows.
    static func startLongUpsert(_ setup: Setup, table: String, marker: String, id: Int) async throws -> Process {
        try await setup.cli.startTransfer(
            [
                "transfer", "create", "--source", "pg", "--target", "dst", "--target-table", table, "--mode", "upsert",
                "--primary-key", "id", "--delete-missing", "--query",
                "SELECT i::bigint AS id, 'item ' || i || pg_sleep(0.0005)::text AS item, i AS qty, '\(marker)' AS marker FROM generate_series(1, 2000000) AS i",
            ], id: id
        ).0
    }

    enum Stop: String, CaseIterable, Sendable { case cancel, interrupt, kill }

    static let stops: [(Stop, DataSystem)] = Stop.allCases.flatMap { stop in targets.map { (stop, $0) } }

    @Test(arguments: stops)
    func aStoppedUpsertLeavesTheTargetAsItWas(stop: Stop, target: DataSystem) async throws {
        let setup = try await Self.setUp(target: target)
        let table = setup.world.uniqueName("orders_kept")
        defer { Self.dropTarget(setup, table: table) }
        try await setup.cli.succeed(
            "transfer", "create", "--source", "pg", "--target", "dst", "--query",
            "SELECT id, item, qty, 'm' AS marker FROM \(setup.source)", "--target-table", table, "--mode", "upsert",
            "--primary-key", "id")
        let before = try await Self.targetRows(setup, table: table)
        let process = try await Self.startLongUpsert(
            setup, table: table, marker: "sync_\(stop)_\(setup.world.tag)", id: 2)
        switch stop {
        case .cancel: try await setup.cli.succeed("transfer", "cancel", "2")
        case .interrupt: kill(process.processIdentifier, SIGINT)
        case .kill: kill(process.processIdentifier, SIGKILL)
        }
        await waitForExit(process)
        #expect(try await Self.targetRows(setup, table: table) == before)
        // The next command recovers a killed run: it is marked interrupted.
        let shown = try #require(try await setup.cli.json("transfer", "show", "2")["transfer"] as? [String: Any])
        #expect(shown["status"] as? String == (stop == .kill ? "error" : "cancelled"), "\(shown)")
        #expect(shown["rowsInserted"] is NSNull)
        // The staging table was the session's own: nothing is left.
        let config = setup.targetConfig
        let leftovers = try await offPool { () -> String? in
            let session = try Drivers.open(config)
            defer { session.close() }
            switch target {
            case .postgresql:
                return try session.scalar(
                    "SELECT count(*) FROM pg_class WHERE relname LIKE 'sqlpipe_staging_2_%' AND relpersistence = 't'")
            case .mariadb, .mysql:
                return try session.scalar(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'sqlpipe\\_staging\\_2\\_%'")
            case .sqlite:
                return try session.scalar(
                    "SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlpipe_staging_2_%'")
            }
        }
        #expect(leftovers == "0")
    }
}
