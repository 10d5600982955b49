import Foundation
import SQLPipeTestSupport
import Testing

/// Restricted connections from the CLI, lists without results, and control characters kept off the terminal.
@Suite struct SecurityCommandTests {
    @Test func aConnectionIsRestrictedOnCreateAndUpdateAndTheCLIMayStillUseIt() async throws {
        let cli = try CLI()
        let file = cli.directory.appendingPathComponent("data.db").path
        try await cli.succeed("connection", "create", "--name", "powerful", "--url", "sqlite://" + file, "--restricted")
        let shown = try #require(try await cli.json("connection", "show", "powerful")["connection"] as? [String: Any])
        #expect(shown["restricted"] as? Bool == true)
        #expect(try await cli.succeed("connection", "show", "powerful").contains("restricted  yes (admins only)"))
        // The CLI is the machine's own user: restricted connections are its to use.
        #expect(try await cli.succeed("query", "create", "-c", "powerful", "-q", "SELECT 1 AS one").contains("one"))

        try await cli.succeed("connection", "update", "powerful", "--restricted", "false")
        let listed = try #require(try await cli.json("connection", "list")["connections"] as? [[String: Any]])
        #expect(listed.first?["restricted"] as? Bool == false)
        try await cli.succeed("connection", "update", "powerful", "--restricted", "true", "--name", "mighty")
        let renamed = try #require(try await cli.json("connection", "show", "mighty")["connection"] as? [String: Any])
        #expect(renamed["restricted"] as? Bool == true)
        #expect(try await cli.fail("connection", "update", "mighty", "--restricted", "maybe").contains("--restricted"))
    }

    @Test func queryListsCarryNoResultButDetailsDo() async throws {
        let cli = try CLI()
        let file = cli.directory.appendingPathComponent("data.db").path
        try await cli.succeed("connection", "create", "--name", "local", "--url", "sqlite://" + file)
        try await cli.succeed("query", "create", "-c", "local", "-q", "SELECT 7 AS seven")
        let listed = try #require(try await cli.json("query", "list")["queries"] as? [[String: Any]])
        #expect(listed.count == 1)
        #expect(listed.first?.keys.contains("result") == false)
        let shown = try #require(try await cli.json("query", "show", "1")["query"] as? [String: Any])
        #expect((shown["result"] as? [String: Any])?["rows"] as? [[Int]] == [[7]])
    }

    @Test func controlCharactersAreEscapedInTablesButKeptInCSV() async throws {
        let cli = try CLI()
        let file = cli.directory.appendingPathComponent("data.db").path
        try await cli.succeed("connection", "create", "--name", "local", "--url", "sqlite://" + file)
        let sql = "SELECT 'a' || char(27) || '[2J' || char(10) || 'b' || char(155) || char(127) AS x"
        let table = try await cli.succeed("query", "create", "-c", "local", "-q", sql)
        #expect(!table.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B || $0.value == 0x7F })
        #expect(table.contains(#"a\x1B[2J\nb\u{9B}\x7F"#), "\(table)")
        let csv = try await cli.succeed("query", "create", "-c", "local", "-q", sql, "--format", "csv")
        #expect(csv.contains("a\u{1B}[2J\nb\u{9B}\u{7F}"))

        // Errors quote what the database said, and that is escaped too.
        let failed = try await cli.run("query", "create", "-c", "local", "-q", "SELECT * FROM \"no\u{1B}[2Jtable\"")
        #expect(failed.status == 1)
        #expect(!failed.stderr.unicodeScalars.contains { $0.value == 0x1B })
        #expect(failed.stderr.contains(#"no\x1B[2Jtable"#), "\(failed.stderr)")
    }
}
