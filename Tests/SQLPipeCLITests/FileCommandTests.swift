import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

/// `transfer create --source-file / --target-file`, as the files guide shows it.
@Suite struct FileCommandTests {
    /// A CLI store with a SQLite connection `local` holding a table `orders`, and PostgreSQL `pg`.
    static func setUp() async throws -> (CLI, TestWorld) {
        let cli = try CLI()
        let world = try TestWorld()
        let database = world.directory.appendingPathComponent("local.db").path
        try await cli.succeed("connection", "create", "--name", "local", "--url", "sqlite://" + database)
        try await cli.succeed(
            "query", "create", "-c", "local", "-q",
            """
            CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, amount DECIMAL TEXT(12,2), placed TIMESTAMPTZ);
            INSERT INTO orders VALUES (1, 'Ann, "the" first', '12.50', '2024-03-31 00:30:00+00:00'),
              (2, '', NULL, '2024-03-31 01:30:00.25+00:00'), (3, NULL, '-0.01', NULL)
            """)
        return (cli, world)
    }

    func path(_ world: TestWorld, _ name: String) -> String {
        world.directory.appendingPathComponent(name).path
    }

    @Test func aTableGoesToAGzippedCSVAndBackIntoAnotherTable() async throws {
        let (cli, world) = try await Self.setUp()
        let file = path(world, "orders.csv.gz")
        let out = try await cli.succeed(
            "transfer", "create", "--source", "local", "--query", "select * from orders order by id", "--target-file",
            file)
        #expect(out.contains("transfer 1 complete: 3 rows written to \(file)"), "\(out)")
        let csv = try shellOutput("gzip -dc \"$0\"", file)
        #expect(
            csv
                == "id,customer,amount,placed\n1,\"Ann, \"\"the\"\" first\",12.50,2024-03-31 00:30:00Z\n2,\"\",,2024-03-31 01:30:00.25Z\n3,,-0.01,\n"
        )
        try await cli.succeed(
            "transfer", "create", "--source-file", file, "--target", "local", "--target-table", "copied")
        let copied = try await cli.succeed(
            "query", "create", "-c", "local", "--format", "csv", "-q",
            "select id, customer, amount, placed, typeof(customer) from copied order by id")
        #expect(
            copied
                == "id,customer,amount,placed,typeof(customer)\n1,\"Ann, \"\"the\"\" first\",12.50,2024-03-31 00:30:00Z,text\n2,\"\",,2024-03-31 01:30:00.25Z,text\n3,,-0.01,,null\n"
        )
        let listed = try await cli.succeed("transfer", "list")
        #expect(listed.contains("file \(file)"), "\(listed)")
        let shown = try await cli.succeed("transfer", "show", "2")
        #expect(shown.contains("sourceFile") && shown.contains("(csv, gzip)"), "\(shown)")
    }

    @Test func standardInputAndOutputCarryTheRows() async throws {
        let (cli, world) = try await Self.setUp()
        let result = try await cli.run(
            "transfer", "create", "--source", "local", "--query", "select id, customer from orders order by id",
            "--target-file", "-", "--format", "ndjson")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout
                == "{\"id\":1,\"customer\":\"Ann, \\\"the\\\" first\"}\n{\"id\":2,\"customer\":\"\"}\n{\"id\":3,\"customer\":null}\n"
        )
        #expect(result.stderr.contains("transfer 1 complete: 3 rows written to -"), "the summary goes to stderr")

        try await cli.succeed(
            "transfer", "create", "--source-file", "-", "--format", "tsv", "--target", "local", "--target-table",
            "piped", stdin: "n\tnote\n1\ttab\\there\n2\t\\N\n")
        let piped = try await cli.succeed(
            "query", "create", "-c", "local", "--format", "json", "-q", "select n, note from piped order by n")
        #expect(piped.contains("{\"n\":1,\"note\":\"tab\\there\"}"), "\(piped)")
        #expect(piped.contains("{\"n\":2,\"note\":null}"))
        _ = world
    }

    @Test func aFailedReadLeavesNoTableAndAFailedWriteKeepsTheOldFile() async throws {
        let (cli, world) = try await Self.setUp()
        let ragged = path(world, "ragged.csv")
        try Data("a,b\n1,2\n3\n".utf8).write(to: URL(fileURLWithPath: ragged))
        let error = try await cli.fail(
            "transfer", "create", "--source-file", ragged, "--target", "local", "--target-table", "never")
        #expect(error.contains("line 3: 1 field where the header has 2"), "\(error)")
        let tables = try await cli.succeed(
            "query", "create", "-c", "local", "--format", "csv", "-q",
            "select count(*) from sqlite_master where name = 'never'")
        #expect(tables == "count(*)\n0\n")

        let kept = path(world, "kept.csv")
        try Data("old contents\n".utf8).write(to: URL(fileURLWithPath: kept))
        _ = try await cli.fail(
            "transfer", "create", "--source", "local", "--query", "select * from no_such_table", "--target-file", kept)
        #expect(try String(contentsOfFile: kept, encoding: .utf8) == "old contents\n")
        let names = try FileManager.default.contentsOfDirectory(atPath: world.directory.path)
        #expect(!names.contains { $0.hasSuffix(".tmp") }, "\(names)")
    }

    @Test func theArgumentsSayWhatIsMissingOrTooMuch() async throws {
        let (cli, world) = try await Self.setUp()
        let file = path(world, "x.csv")
        #expect(
            try await cli.fail(
                "transfer", "create", "--source-file", file, "--source", "local", "--target-file", "y.csv"
            )
            .contains("two sources"))
        #expect(
            try await cli.fail("transfer", "create", "--source-file", file, "-q", "select 1", "--target-file", "y.csv")
                .contains("go with --source, not --source-file"))
        #expect(
            try await cli.fail(
                "transfer", "create", "--source", "local", "-q", "select 1", "--target-file", "-", "--detach"
            )
            .contains("--detach cannot take standard input or output"))
        #expect(
            try await cli.fail(
                "transfer", "create", "--source", "local", "-q", "select 1", "--target-file", file, "--mode", "upsert",
                "--primary-key", "id"
            ).contains("replaced whole"))
        #expect(
            try await cli.fail("transfer", "create", "--source-file", "-", "--target", "local", "--target-table", "t")
                .contains("format"))
        #expect(
            try await cli.fail(
                "transfer", "create", "--source-file", file, "--column", "a:money", "--target", "local",
                "--target-table", "t"
            ).contains("not a neutral type"))
    }
}
