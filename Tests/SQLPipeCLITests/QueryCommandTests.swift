import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@Suite struct QueryCommandTests {
    static func setUp(_ system: DataSystem) async throws -> (CLI, TestWorld) {
        let cli = try CLI()
        let world = try TestWorld()
        switch system {
        case .postgresql, .mysql, .mariadb:
            let (url, password) = try splitPassword(
                system == .postgresql ? TestDatabases.postgresURL() : TestDatabases.mariadbURL())
            try await cli.succeed(
                "connection", "create", "--name", "db", "--url", url, "--password-stdin", stdin: password + "\n")
        case .sqlite:
            try await cli.succeed(
                "connection", "create", "--name", "db", "--url",
                "sqlite://" + world.directory.appendingPathComponent("q.db").path)
        }
        return (cli, world)
    }

    static let tricky = [
        "plain", "", "comma, inside", "quote \" inside", "new\nline", "crlf\r\nend", "tab\there", "back\\slash",
        " spaced ", "😀",
    ]

    /// The tricky strings and a NULL, as a SELECT in each system's dialect.
    static func selectTricky(_ system: DataSystem) -> String {
        func literal(_ text: String) -> String {
            switch system {
            case .postgresql:
                return "E'"
                    + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''")
                    .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
                    .replacingOccurrences(of: "\t", with: "\\t") + "'"
            case .mysql, .mariadb:
                return "'"
                    + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
                    .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
                    .replacingOccurrences(of: "\t", with: "\\t") + "'"
            case .sqlite:
                return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
            }
        }
        let rows =
            tricky.enumerated().map { "SELECT \($0.offset + 1) AS n, \(literal($0.element)) AS v" }
            + ["SELECT \(tricky.count + 1) AS n, NULL AS v"]
        return "SELECT n, v FROM (" + rows.joined(separator: " UNION ALL ") + ") AS t ORDER BY n"
    }

    @Test(arguments: [DataSystem.postgresql, .mariadb, .sqlite])
    func csvRoundTripsThroughACSVParser(system: DataSystem) async throws {
        let (cli, _) = try await Self.setUp(system)
        let out = try await cli.succeed(
            "query", "create", "-c", "db", "-q", Self.selectTricky(system), "--format", "csv")
        let records = try CSV.parse(out)
        #expect(records.first == ["n", "v"])
        let values = records.dropFirst().map { $0[1] }
        #expect(Array(values.prefix(Self.tricky.count)) == Self.tricky.map { Optional($0) })
        #expect(values.last == .some(nil), "NULL is an empty unquoted field")
        #expect(records.count == Self.tricky.count + 2)
    }

    @Test func tsvAndJSONFormats() async throws {
        let (cli, _) = try await Self.setUp(.postgresql)
        let tsv = try await cli.succeed(
            "query", "create", "-c", "db", "-q",
            #"SELECT E'a\tb' AS x, NULL AS y, E'c\\d\ne' AS z, true AS t, '\x00ff'::bytea AS b"#, "--format", "tsv")
        #expect(tsv == "x\ty\tz\tt\tb\na\\tb\t\\N\tc\\\\d\\ne\ttrue\t\\\\x00ff\n")
        let json = try await cli.succeed(
            "query", "create", "-c", "db", "-q",
            "SELECT 1 AS n, 9007199254740993::bigint AS big, 1.50::numeric(5,2) AS d, 'NaN'::float8 AS f, NULL AS z, '2024-03-31 01:30:00+02'::timestamptz AS at",
            "--format", "json")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(parsed.count == 1)
        #expect(parsed[0]["n"] as? Int == 1)
        #expect(parsed[0]["big"] as? String == "9007199254740993")
        #expect(parsed[0]["d"] as? String == "1.50")
        #expect(parsed[0]["f"] as? String == "NaN")
        #expect(parsed[0]["z"] is NSNull)
        #expect(parsed[0]["at"] as? String == "2024-03-30 23:30:00Z")
    }

    @Test func everyRowReachesStdoutWhileTheStoreKeepsAPreview() async throws {
        let (cli, _) = try await Self.setUp(.postgresql)
        let out = try await cli.succeed(
            "query", "create", "-c", "db", "-q", "SELECT i FROM generate_series(1, 2500) AS i", "--format", "csv")
        let lines = out.split(separator: "\n")
        #expect(lines.count == 2501)
        #expect(lines.last == "2500")
        let shown = try #require(try await cli.json("query", "show", "1")["query"] as? [String: Any])
        let result = try #require(shown["result"] as? [String: Any])
        #expect((result["rows"] as? [Any])?.count == 1000)
        #expect(result["truncated"] as? Bool == true)
        #expect((result["columns"] as? [[String: Any]])?.first?["type"] as? String == "int32")

        let table = try await cli.succeed("query", "create", "-c", "db", "-q", "SELECT 1 AS one, 'two' AS two")
        #expect(table.contains("one | two"))
        #expect(table.contains("(1 row)"))
        let resource = try #require(
            try await cli.json("query", "create", "-c", "db", "-q", "SELECT 42 AS answer")["query"] as? [String: Any])
        #expect(resource["status"] as? String == "complete")
        #expect(((resource["result"] as? [String: Any])?["rows"] as? [[Any]])?.first?.first as? Int == 42)
    }

    @Test func failuresAndCancelExitAsTheyShould() async throws {
        let (cli, world) = try await Self.setUp(.postgresql)
        let failed = try await cli.run("query", "create", "-c", "db", "-q", "SELECT 1/0")
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("division by zero"))
        let affected = try await cli.run(
            "query", "create", "-c", "db", "-q", "CREATE TEMP TABLE t (a int); INSERT INTO t VALUES (1), (2)")
        #expect(affected.status == 0)
        #expect(affected.stderr.contains("2 rows affected"))

        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["query", "create", "-c", "db", "-q", "SELECT pg_sleep(60), '\(world.tag)'"]
        var environment = ProcessInfo.processInfo.environment
        environment["SQLPIPE_STORE"] = cli.storePath
        environment.merge(try TestStore.environment(forStore: cli.storePath)) { $1 }
        process.environment = environment
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        var status = ""
        for _ in 0..<100 where status != "running" {
            try await Task.sleep(for: .milliseconds(100))
            let shown = try await cli.run("query", "show", "3", "--json")
            status =
                (try? JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
                .flatMap { $0["query"] as? [String: Any] }.flatMap { $0["status"] as? String } ?? ""
        }
        try await cli.succeed("query", "cancel", "3")
        let stopped = try await ServerActivity.timeUntilStopped(world.tag, on: .postgresql)
        #expect(stopped < .seconds(5), "the statement ran \(stopped) after the cancel request")
        await waitForExit(process)
        #expect(process.terminationStatus == 1)
        let shown = try #require(try await cli.json("query", "show", "3")["query"] as? [String: Any])
        #expect(shown["status"] as? String == "cancelled")
        #expect(try await cli.fail("query", "delete", "99").contains("no query with id 99"))
    }
}

/// A small RFC 4180 reader: quoted fields with doubled quotes and line breaks; an empty unquoted field
/// is nil (NULL), an empty quoted one "".
enum CSV {
    static func parse(_ text: String) throws -> [[String?]] {
        var records: [[String?]] = []
        var record: [String?] = []
        var field = ""
        var quoted = false
        var wasQuoted = false
        var index = text.startIndex
        func endField() {
            record.append(field.isEmpty && !wasQuoted ? nil : field)
            field = ""
            wasQuoted = false
        }
        while index < text.endIndex {
            let character = text[index]
            if quoted {
                if character == "\"" {
                    let next = text.index(after: index)
                    if next < text.endIndex && text[next] == "\"" {
                        field.append("\"")
                        index = next
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
                wasQuoted = true
            } else if character == "," {
                endField()
            } else if character == "\n" || character == "\r\n" {
                endField()
                records.append(record)
                record = []
            } else {
                field.append(character)
            }
            index = text.index(after: index)
        }
        if !field.isEmpty || !record.isEmpty {
            endField()
            records.append(record)
        }
        return records
    }
}
