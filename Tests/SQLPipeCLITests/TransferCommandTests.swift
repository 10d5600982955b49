import Foundation
import GRDB
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@Suite struct TransferCommandTests {
    /// A CLI store with PostgreSQL source `pg` and SQLite target `lite`.
    static func setUp() async throws -> (CLI, TestWorld) {
        let cli = try CLI()
        let world = try TestWorld()
        let (url, password) = try splitPassword(TestDatabases.postgresURL())
        try await cli.succeed(
            "connection", "create", "--name", "pg", "--url", url, "--password-stdin", stdin: password + "\n")
        try await cli.succeed(
            "connection", "create", "--name", "lite", "--url",
            "sqlite://" + world.directory.appendingPathComponent("t.db").path)
        return (cli, world)
    }

    @Test func createRunsInTheForegroundAndReportsOneLine() async throws {
        let (cli, world) = try await Self.setUp()
        let out = try await cli.succeed(
            "transfer", "create", "--source", "pg", "--target", "lite", "--query",
            "SELECT i AS id, 'row ' || i AS label FROM generate_series(1, 2500) AS i", "--target-table", "numbers",
            "--overwrite")
        #expect(out.contains("transfer 1 complete: 2,500 rows read into numbers"))
        #expect(out.split(separator: "\n").count == 1)

        let shown = try #require(try await cli.json("transfer", "show", "1")["transfer"] as? [String: Any])
        #expect(shown["status"] as? String == "complete")
        #expect(shown["rowsTransferred"] as? Int == 2500)
        #expect(shown["error"] is NSNull)
        #expect(shown["sourceID"] as? Int == 1)
        #expect(shown["targetID"] as? Int == 2)
        #expect(shown["startedAt"] is String)

        let session = try Drivers.open(try world.config(.sqlite, file: "t.db"))
        defer { session.close() }
        #expect(try session.scalar("SELECT label FROM numbers WHERE id = 2500") == "row 2500")

        let fromFile = try await cli.succeed(
            "transfer", "create", "--source", "pg", "--target", "lite", "--query-file", "-", "--target-table",
            "numbers",
            "--json", stdin: "SELECT 2501 AS id, 'more' AS label;\n")
        let appended = try #require(try JSONSerialization.jsonObject(with: Data(fromFile.utf8)) as? [String: Any])
        #expect((appended["transfer"] as? [String: Any])?["rowsTransferred"] as? Int == 1)
        #expect(try session.scalar("SELECT count(*) FROM numbers") == "2501")

        let listed = try await cli.json("transfer", "list", "--sort=-id")
        let transfers = try #require(listed["transfers"] as? [[String: Any]])
        #expect(transfers.map { $0["id"] as? Int } == [2, 1])
        try await cli.succeed("transfer", "delete", "1")
        #expect(try await cli.fail("transfer", "show", "1").contains("no transfer with id 1"))
    }

    @Test func aFailedTransferExitsOneWithTheServersMessage() async throws {
        let (cli, _) = try await Self.setUp()
        let result = try await cli.run(
            "transfer", "create", "--source", "pg", "--target", "lite", "--query", "SELECT 1/0 AS x", "--target-table",
            "t")
        #expect(result.status == 1)
        #expect(result.stderr.contains("transfer 1 failed: division by zero"))
        let badSource = try await cli.fail(
            "transfer", "create", "--source", "nope", "--target", "lite", "--query", "select 1", "--target-table", "t")
        #expect(badSource.contains("no connection with id or name 'nope'"))
        let noQuery = try await cli.fail(
            "transfer", "create", "--source", "pg", "--target", "lite", "--target-table", "t")
        #expect(noQuery.contains("exactly one of --query or --query-file"))
    }

    /// Options that do not go together are refused before anything is opened (exit 64, usage).
    @Test(arguments: [
        (["--mode", "upsert"], "--mode upsert needs --primary-key"),
        (["--mode", "incremental"], "--mode incremental needs --cursor-column"),
        (["--delete-missing"], "--delete-missing works only with --mode upsert."),
        (["--mode", "truncate", "--delete-missing"], "--delete-missing works only with --mode upsert."),
        (
            ["--mode", "incremental", "--cursor-column", "id", "--delete-missing"],
            "--delete-missing cannot be used with --mode incremental"
        ),
        (["--overwrite", "--mode", "upsert", "--primary-key", "id"], "--overwrite is --mode overwrite"),
        (["--mode", "upsert", "--primary-key", "id,"], "--primary-key: a column name is empty (in 'id,')"),
        (["--mode", "upsert", "--primary-key", " "], "--primary-key: a column name is empty"),
        (["--cursor-column", "updated_at"], "--cursor-column works only with --mode incremental."),
        (["--mode", "merge"], "'merge'"),
    ])
    func createRefusesOptionsThatDoNotGoTogether(options: [String], message: String) async throws {
        let cli = try CLI()
        let result = try await cli.runner.execute(
            ["transfer", "create", "--source", "a", "--target", "b", "--query", "select 1", "--target-table", "t"]
                + options, stdin: nil, extraEnvironment: [:])
        #expect(result.status == 64, "\(options): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(options): \(result.stderr)")
    }

    @Test func helpListsTheModes() async throws {
        let help = try await CLI().run("transfer", "create", "--help")
        // As one line: the help is wrapped to the terminal's width.
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("(values: append, overwrite, truncate, upsert, incremental)"), "\(text)")
        #expect(text.contains("a name that holds a comma cannot be given here (the API takes an array)"), "\(text)")
    }

    /// `show` and `list` print the mode and its fields, `-` for what is null.
    @Test func showPrintsTheModeItsFieldsAndWhatTheRunCounted() async throws {
        let cli = try CLI()
        let world = try TestWorld()
        try await cli.succeed(
            "connection", "create", "--name", "lite", "--url",
            "sqlite://" + world.directory.appendingPathComponent("t.db").path)
        let queued = try #require(
            try await cli.json(
                "transfer", "create", "--source", "lite", "--target", "lite", "--query", "select 1 as id",
                "--target-table", "t", "--mode", "upsert", "--primary-key", "id", "--primary-key", " Region , zone",
                "--delete-missing", "--detach")["transfer"] as? [String: Any])
        #expect(queued["mode"] as? String == "upsert")
        #expect(queued["primaryKey"] as? [String] == ["id", "Region", "zone"])
        #expect(queued["deleteMissing"] as? Bool == true)
        #expect(queued["rowsInserted"] is NSNull)

        let upsert = try await cli.succeed("transfer", "show", "1")
        for line in [
            "mode             upsert", "primaryKey       id, Region, zone", "deleteMissing    yes",
            "cursorColumn     -", "rowsTransferred  0", "rowsInserted     -", "rowsUpdated      -",
            "rowsDeleted      -", "cursorFrom       -", "cursorTo         -",
        ] {
            #expect(upsert.contains(line + "\n"), "\(line) in:\n\(upsert)")
        }

        try await cli.succeed(
            "transfer", "create", "--source", "lite", "--target", "lite", "--query", "select 1 as id",
            "--target-table", "t", "--mode", "incremental", "--cursor-column", "updated_at", "--primary-key", "id",
            "--detach")
        // What a completed incremental run leaves in the store (the run itself is the engine's to test).
        try await TestStore.execute(
            """
            UPDATE transfers SET status = 'complete', rows_transferred = 1000, rows_inserted = 400,
            rows_updated = 600, cursor_from = '2024-01-01 00:00:00', cursor_to = '2024-02-01 00:00:00'
            WHERE id = 2
            """, onStore: cli.storePath)
        let incremental = try await cli.succeed("transfer", "show", "2")
        for line in [
            "mode             incremental", "primaryKey       id", "deleteMissing    no",
            "cursorColumn     updated_at", "rowsTransferred  1000", "rowsInserted     400", "rowsUpdated      600",
            "rowsDeleted      -", "cursorFrom       2024-01-01 00:00:00", "cursorTo         2024-02-01 00:00:00",
        ] {
            #expect(incremental.contains(line + "\n"), "\(line) in:\n\(incremental)")
        }
        let shown = try #require(try await cli.json("transfer", "show", "2")["transfer"] as? [String: Any])
        #expect(shown["rowsUpdated"] as? Int == 600)
        #expect(shown["cursorTo"] as? String == "2024-02-01 00:00:00")

        let listed = try await cli.succeed("transfer", "list").split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        #expect(listed.first?.prefix(7) == ["ID", "STATUS", "SOURCE", "TARGET", "TABLE", "MODE", "ROWS"])
        #expect(
            listed.dropFirst().prefix(2).map { $0.prefix(7) } == [
                ["1", "queued", "1", "1", "t", "upsert", "0"], ["2", "complete", "1", "1", "t", "incremental", "1000"],
            ])
    }

    /// The modes end to end on SQLite: what each run prints, and what `show` then says.
    @Test func syncModesReportWhatTheyChanged() async throws {
        let cli = try CLI()
        let world = try TestWorld()
        for name in ["src", "dst"] {
            try await cli.succeed(
                "connection", "create", "--name", name, "--url",
                "sqlite://" + world.directory.appendingPathComponent("\(name).db").path)
        }
        try await cli.succeed(
            "query", "create", "-c", "src", "-q",
            """
            CREATE TABLE orders (id integer PRIMARY KEY, amount integer);
            INSERT INTO orders VALUES (1, 10), (2, 20), (3, 30);
            CREATE TABLE events (id integer PRIMARY KEY, kind text, updated_at text);
            INSERT INTO events VALUES (1, 'a', '2024-01-01 00:00:00'), (2, 'b', '2024-01-02 00:00:00'), (3, 'c', NULL);
            """)
        let upsert = [
            "transfer", "create", "--source", "src", "--target", "dst", "--query", "SELECT * FROM orders",
            "--target-table", "orders", "--mode", "upsert", "--primary-key", "id", "--delete-missing",
        ]
        let first = try await cli.runner.execute(upsert)
        #expect(first.stdout.hasPrefix("transfer 1 complete: 3 rows read into orders in "), "\(first.output)")
        #expect(first.stdout.hasSuffix("rows/s): 3 inserted, 0 updated, 0 deleted\n"), "\(first.output)")
        try await cli.succeed(
            "query", "create", "-c", "src", "-q",
            "UPDATE orders SET amount = 11 WHERE id = 1; DELETE FROM orders WHERE id = 3; INSERT INTO orders VALUES (4, 40)"
        )
        let second = try await cli.runner.execute(upsert)
        #expect(second.stdout.hasSuffix("rows/s): 1 inserted, 1 updated, 1 deleted\n"), "\(second.output)")

        let incremental = [
            "transfer", "create", "--source", "src", "--target", "dst", "--query",
            "SELECT * FROM events", "--target-table", "events", "--mode", "incremental", "--cursor-column",
            "updated_at", "--primary-key", "id",
        ]
        let full = try await cli.runner.execute(incremental)
        #expect(
            full.stdout.hasSuffix("3 inserted, 0 updated, 0 deleted; cursor none → 2024-01-02 00:00:00\n"),
            "\(full.output)")
        try await cli.succeed(
            "query", "create", "-c", "src", "-q",
            "INSERT INTO events VALUES (4, 'd', '2024-02-01 06:12:40'); UPDATE events SET kind = 'bb', updated_at = '2024-01-03 00:00:00' WHERE id = 2"
        )
        let next = try await cli.runner.execute(incremental)
        #expect(next.stdout.hasPrefix("transfer 4 complete: 2 rows read into events in "), "\(next.output)")
        #expect(
            next.stdout.hasSuffix(
                "1 inserted, 1 updated, 0 deleted; cursor 2024-01-02 00:00:00 → 2024-02-01 06:12:40\n"),
            "\(next.output)")
        #expect(next.stderr.contains("warning: 1 source row has a NULL in the cursor column"), "\(next.output)")

        let shown = try await cli.succeed("transfer", "show", "4")
        for line in [
            "mode             incremental", "rowsInserted     1", "rowsUpdated      1", "rowsDeleted      0",
            "cursorFrom       2024-01-02 00:00:00", "cursorTo         2024-02-01 06:12:40",
        ] {
            #expect(shown.contains(line + "\n"), "\(line) in:\n\(shown)")
        }
    }

    @Test func detachOnlyQueues() async throws {
        let (cli, _) = try await Self.setUp()
        let queued = try #require(
            try await cli.json(
                "transfer", "create", "--source", "pg", "--target", "lite", "--query", "select 1 as a",
                "--target-table", "t", "--detach")["transfer"] as? [String: Any])
        #expect(queued["status"] as? String == "queued")
        #expect(queued["startedAt"] is NSNull)
        let cancelled = try #require(try await cli.json("transfer", "cancel", "1")["transfer"] as? [String: Any])
        #expect(cancelled["status"] as? String == "cancelled")
        #expect(try await cli.fail("transfer", "cancel", "1").contains("already cancelled"))
    }

    /// A long transfer, its process and its id once it runs.
    static func startLongTransfer(_ cli: CLI, marker: String, id: Int) async throws -> (Process, Pipe) {
        try await cli.startTransfer(
            [
                "transfer", "create", "--source", "pg", "--target", "lite", "--target-table", "numbers", "--overwrite",
                "--query",
                "SELECT i AS id, pg_sleep(0.0005) AS pause, '\(marker)' AS marker FROM generate_series(1, 2000000) AS i",
            ], id: id)
    }

    static func sourceQueryStillRuns(_ marker: String) throws -> Bool {
        let postgres = try Drivers.open(try TestWorld().config(.postgresql))
        defer { postgres.close() }
        let rows = try postgres.query(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid() AND state = 'active'",
            ["%\(marker)%"])
        return rows.first?.first != "0"
    }

    @Test func cancelFromASecondProcessStopsTheSourceAndKeepsTheTarget() async throws {
        let (cli, world) = try await Self.setUp()
        try await cli.succeed(
            "transfer", "create", "--source", "pg", "--target", "lite", "--query", "SELECT 7 AS id", "--target-table",
            "numbers")
        try await cli.succeed("transfer", "delete", "1")
        let marker = "cli_cancel_\(world.tag)"
        let (process, _) = try await Self.startLongTransfer(cli, marker: marker, id: 2)
        let cancel = try await cli.succeed("transfer", "cancel", "2")
        #expect(cancel.contains("cancel requested"))
        await waitForExit(process)
        #expect(process.terminationStatus == 1)
        let shown = try #require(try await cli.json("transfer", "show", "2")["transfer"] as? [String: Any])
        #expect(shown["status"] as? String == "cancelled")
        #expect(try !Self.sourceQueryStillRuns(marker))
        let session = try Drivers.open(try world.config(.sqlite, file: "t.db"))
        defer { session.close() }
        #expect(try session.query("SELECT id FROM numbers", []) == [["7"]])
    }

    @Test func ctrlCCancelsAndExits130() async throws {
        let (cli, world) = try await Self.setUp()
        let marker = "cli_sigint_\(world.tag)"
        let (process, _) = try await Self.startLongTransfer(cli, marker: marker, id: 1)
        kill(process.processIdentifier, SIGINT)
        await waitForExit(process)
        #expect(process.terminationStatus == 130)
        let shown = try #require(try await cli.json("transfer", "show", "1")["transfer"] as? [String: Any])
        #expect(shown["status"] as? String == "cancelled")
        #expect(try !Self.sourceQueryStillRuns(marker))
        let session = try Drivers.open(try world.config(.sqlite, file: "t.db"))
        defer { session.close() }
        #expect(try session.tableColumns(TableName(name: "numbers")) == nil)
    }
}
