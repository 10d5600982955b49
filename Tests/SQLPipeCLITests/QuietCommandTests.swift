import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

/// `--quiet`, for cron: nothing on success but what was asked for, only the error on failure, the same exit
/// statuses as without it.
@Suite struct QuietCommandTests {
    /// A CLI store with two SQLite connections, `src` and `dst`.
    static func setUp() async throws -> (CLI, TestWorld) {
        let cli = try CLI()
        let world = try TestWorld()
        for (name, file) in [("src", "s.db"), ("dst", "t.db")] {
            let silent = try await cli.run(
                "connection", "create", "--name", name, "--url",
                "sqlite://" + world.directory.appendingPathComponent(file).path, "--quiet")
            #expect(silent.status == 0 && silent.output.isEmpty, "created quietly: \(silent.output)")
        }
        return (cli, world)
    }

    static let rows =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200) SELECT i, 'row ' || i AS label FROM n"

    @Test func aTransferThatSucceedsPrintsNothing() async throws {
        let (cli, world) = try await Self.setUp()
        let result = try await cli.run(
            "transfer", "create", "--source", "src", "--target", "dst", "--query", Self.rows, "--target-table",
            "copied", "--overwrite", "--quiet")
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(result.output)")
        let session = try Drivers.open(try world.config(.sqlite, file: "t.db"))
        defer { session.close() }
        #expect(try session.scalar("SELECT count(*) FROM copied") == "1200")

        let loud = try await cli.run(
            "transfer", "create", "--source", "src", "--target", "dst", "--query", Self.rows, "--target-table",
            "copied", "--overwrite")
        #expect(loud.stdout.contains("complete: 1,200 rows"), "without --quiet the summary stays")
    }

    @Test func aTransferThatFailsPrintsOnlyItsErrorAndExitsOne() async throws {
        let (cli, _) = try await Self.setUp()
        let failed = try await cli.run(
            "transfer", "create", "--source", "src", "--target", "dst", "--query", "SELECT * FROM missing_table",
            "--target-table", "t", "--quiet")
        #expect(failed.status == 1)
        #expect(failed.stdout.isEmpty)
        let lines = failed.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(failed.stderr)")
        #expect(lines.first?.hasPrefix("Error: transfer 1 failed: ") == true)
        #expect(failed.stderr.contains("missing_table"))

        let unknown = try await cli.run("transfer", "show", "99", "--quiet")
        #expect(unknown.status == 1)
        #expect(unknown.stdout.isEmpty && unknown.stderr.hasPrefix("Error: no transfer with id 99"))

        let usage = try await cli.run(
            "transfer", "create", "--source", "src", "--target", "dst", "--query", "SELECT 1", "--quiet")
        #expect(usage.status == 64, "a usage error exits 64 as without --quiet: \(usage.stderr)")
        #expect(usage.stderr.contains("--target-table"))
    }

    @Test func detachAndConfirmationsAreSilentButJSONIsNot() async throws {
        let (cli, _) = try await Self.setUp()
        let queued = try await cli.run(
            "transfer", "create", "--source", "src", "--target", "dst", "--query", "SELECT 1 AS a", "--target-table",
            "t", "--detach", "--quiet")
        #expect(queued.status == 0 && queued.output.isEmpty, "\(queued.output)")
        let shown = try #require(try await cli.json("transfer", "show", "1", "--quiet")["transfer"] as? [String: Any])
        #expect(shown["status"] as? String == "queued", "--json is what was asked for: it still prints")

        for silent in [
            ["transfer", "cancel", "1", "--quiet"], ["transfer", "delete", "1", "--quiet"],
            ["connection", "test", "src", "--quiet"],
        ] {
            let result = try await cli.runner.execute(silent)
            #expect(result.status == 0 && result.output.isEmpty, "\(silent): \(result.output)")
        }
        let listed = try await cli.run("connection", "list", "--quiet")
        #expect(listed.status == 0 && listed.stdout.contains("src") && listed.stderr.isEmpty, "a list is data")
    }

    @Test func aQueryStillWritesItsRowsButNotItsRemarks() async throws {
        let (cli, _) = try await Self.setUp()
        let rows = try await cli.run(
            "query", "create", "-c", "src", "-q", "SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y'", "--format", "csv",
            "--quiet")
        #expect(rows.status == 0)
        #expect(rows.stdout == "a,b\n1,x\n2,y\n")
        #expect(rows.stderr.isEmpty, "\(rows.stderr)")

        let changed = try await cli.run(
            "query", "create", "-c", "src", "-q", "CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2)", "--quiet")
        #expect(changed.status == 0 && changed.output.isEmpty, "no 'rows affected' remark: \(changed.output)")
        let loud = try await cli.run("query", "create", "-c", "src", "-q", "INSERT INTO t VALUES (3)")
        #expect(loud.stderr.contains("rows affected"), "without --quiet the remark stays")

        let failed = try await cli.run("query", "create", "-c", "src", "-q", "SELECT * FROM nowhere", "--quiet")
        #expect(failed.status == 1)
        #expect(failed.stdout.isEmpty)
        #expect(failed.stderr.split(separator: "\n").count == 1 && failed.stderr.hasPrefix("Error: query"))
    }

    @Test func theRootHelpMentionsQuiet() async throws {
        let help = try await CLI().run("--help")
        #expect(help.stdout.contains("--quiet"))
    }
}
