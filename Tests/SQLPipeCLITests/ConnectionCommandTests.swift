import Foundation
import SQLPipeCore
import SQLPipeTestSupport
import Testing

@Suite struct ConnectionCommandTests {
    @Test func helpReadsWell() async throws {
        let cli = try CLI()
        let top = try await cli.succeed("--help")
        #expect(top.contains("connection"))
        #expect(top.contains("user"))
        let connection = try await cli.succeed("connection", "--help")
        for verb in ["create", "list", "show", "update", "delete", "test"] {
            #expect(connection.contains(verb))
        }
        let create = try await cli.succeed("connection", "create", "--help")
        #expect(create.contains("--password-stdin"))
        #expect(create.contains("--url"))
        // ReleaseTests checks the whole line; here only that it names the version.
        #expect(try await cli.succeed("--version").hasPrefix("sqlpipe \(SQLPipe.version) (commit "))
    }

    @Test(arguments: ["postgres", "mariadb"])
    func serverConnectionLifecycleNeverShowsThePassword(server: String) async throws {
        let cli = try CLI()
        let (url, password) = try splitPassword(
            server == "postgres" ? TestDatabases.postgresURL() : TestDatabases.mariadbURL())
        let environment = ["TEST_DB_PASSWORD": password]
        var outputs: [String] = []

        outputs.append(
            try await cli.succeed(
                "connection", "create", "--name", "db1", "--url", url, "--password-env", "TEST_DB_PASSWORD",
                environment: environment))
        #expect(outputs.last?.contains("created connection db1 (id 1)") == true)

        let listed = try await cli.json("connection", "list")
        let connections = try #require(listed["connections"] as? [[String: Any]])
        #expect(connections.count == 1)
        #expect(connections.first?["name"] as? String == "db1")
        #expect(connections.first?["password"] == nil)
        #expect(connections.first?["canConnect"] == nil)
        let metadata = try #require(listed["metadata"] as? [String: Any])
        #expect(metadata["total_records"] as? Int == 1)

        let shown = try #require(try await cli.json("connection", "show", "db1")["connection"] as? [String: Any])
        #expect(shown["canConnect"] as? Bool == true)
        #expect(shown["dsType"] as? String == (server == "postgres" ? "postgresql" : "mariadb"))

        outputs.append(try await cli.succeed("connection", "list"))
        outputs.append(try await cli.succeed("connection", "show", "1"))
        outputs.append(try await cli.succeed("connection", "test", "db1"))
        #expect(outputs.last?.contains("db1: connected to") == true)
        outputs.append(try await cli.succeed("connection", "test", "db1", "--json"))
        outputs.append(try await cli.succeed("connection", "update", "db1", "--name", "renamed", "--json"))
        outputs.append(
            try await cli.succeed("connection", "update", "renamed", "--password-stdin", stdin: password + "\n"))
        outputs.append(try await cli.succeed("connection", "show", "renamed", "--json"))
        outputs.append(try await cli.succeed("connection", "delete", "renamed", "--json"))
        #expect(outputs.last?.contains(#""message""#) == true)
        let gone = try await cli.fail("connection", "show", "renamed")
        #expect(gone.contains("no connection with id or name 'renamed'"))

        for output in outputs {
            #expect(!output.contains(password))
        }
        #expect(!(FileManager.default.contents(atPath: cli.storePath) ?? Data()).contains(password))
    }

    @Test func aFailedTestShowsTheServersMessageOnOneLineWithoutThePassword() async throws {
        let cli = try CLI()
        let (url, _) = try splitPassword(TestDatabases.postgresURL())
        let wrong = "Not-The-Password-\(UUID().uuidString)"
        try await cli.succeed(
            "connection", "create", "--name", "bad", "--url", url, "--password-stdin", "--skip-test",
            stdin: wrong + "\n")
        let result = try await cli.run("connection", "test", "bad")
        #expect(result.status == 1)
        #expect(result.stderr.contains("password authentication failed"))
        #expect(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        #expect(!result.output.contains(wrong))
        let shown = try await cli.succeed("connection", "show", "bad")
        #expect(shown.contains("canConnect  no: PostgreSQL at"))
        #expect(!shown.contains(wrong))

        let create = try await cli.run(
            "connection", "create", "--name", "bad2", "--url", url, "--password-stdin", stdin: wrong + "\n")
        #expect(create.status == 1)
        #expect(!create.output.contains(wrong))
        #expect(!(try await cli.succeed("connection", "list")).contains("bad2"))
    }

    @Test func sqliteConnectionsFromFlagsWithARelativePath() async throws {
        let cli = try CLI()
        let relative = "relative-\(UUID().uuidString).db"
        try await cli.succeed("connection", "create", "--name", "file", "--ds-type", "sqlite", "--db-name", relative)
        let shown = try #require(try await cli.json("connection", "show", "file")["connection"] as? [String: Any])
        let path = try #require(shown["dbName"] as? String)
        #expect(path.hasPrefix("/"))
        #expect(path.hasSuffix(relative))
        #expect(shown["canConnect"] as? Bool == true)
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test func validationErrorsNameTheField() async throws {
        let cli = try CLI()
        let missing = try await cli.fail(
            "connection", "create", "--name", "x", "--ds-type", "postgresql", "--skip-test")
        #expect(missing.contains("hostname: must be provided"))
        #expect(missing.contains("username: must be provided"))
        let badType = try await cli.fail("connection", "create", "--name", "x", "--ds-type", "oracle")
        #expect(badType.contains("oracle"))
        let badURL = try await cli.fail("connection", "create", "--name", "x", "--url", "ftp://x/y")
        #expect(badURL.contains("unknown scheme 'ftp'"))
        let badParam = try await cli.fail(
            "connection", "create", "--name", "x", "--url", "postgres://u@h/d", "--param", "nonsense", "--skip-test")
        #expect(badParam.contains("key=value"))
        let twoSources = try await cli.fail(
            "connection", "create", "--name", "x", "--url", "postgres://u@h/d", "--password-stdin", "--password-env",
            "X")
        #expect(twoSources.contains("one way only"))
        let unknownEnv = try await cli.fail(
            "connection", "create", "--name", "x", "--url", "postgres://u@h/d", "--password-env",
            "SQLPIPE_NO_SUCH_VARIABLE")
        #expect(unknownEnv.contains("SQLPIPE_NO_SUCH_VARIABLE is not set"))
        try await cli.succeed("connection", "create", "--name", "dup", "--url", "sqlite:///tmp/dup.db", "--skip-test")
        let duplicate = try await cli.fail(
            "connection", "create", "--name", "dup", "--url", "sqlite:///tmp/dup.db", "--skip-test")
        #expect(duplicate.contains("name: a connection named 'dup' already exists"))
        let unknown = try await cli.fail("connection", "delete", "42")
        #expect(unknown.contains("no connection with id or name '42'"))
    }

    @Test func aPasswordInTheURLIsAcceptedWithAWarning() async throws {
        let cli = try CLI()
        let result = try await cli.run("connection", "create", "--name", "inline", "--url", TestDatabases.postgresURL())
        #expect(result.status == 0)
        #expect(result.stderr.contains("warning: a password in --url"))
        let (_, password) = try splitPassword(TestDatabases.postgresURL())
        #expect(!result.output.contains(password))
    }

    @Test func theStoreDefaultsToXDGDataHome() async throws {
        let home = try TemporaryDirectory.make()
        let cli = try CLI()
        let result = try await cli.runner.execute(
            ["connection", "list"],
            extraEnvironment: ["SQLPIPE_STORE": "", "XDG_DATA_HOME": home.path])
        #expect(result.status == 0)
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("sqlpipe/sqlpipe.db").path))
        let explicit = home.appendingPathComponent("elsewhere.db").path
        try await cli.succeed("connection", "list", "--store", explicit)
        #expect(FileManager.default.fileExists(atPath: explicit))
    }

    @Test func twoProcessesUseTheStoreAtOnce() async throws {
        let cli = try CLI()
        try await cli.succeed("connection", "list")
        let writes = 25
        async let writer: [Int32] = {
            var statuses: [Int32] = []
            for number in 1...writes {
                statuses.append(
                    try await cli.run(
                        "connection", "create", "--name", "c\(number)", "--url", "sqlite:///tmp/c\(number).db",
                        "--skip-test"
                    ).status)
            }
            return statuses
        }()
        async let reader: [Int32] = {
            var statuses: [Int32] = []
            for _ in 1...writes {
                statuses.append(try await cli.run("connection", "list", "--json", "--page-size", "100").status)
            }
            return statuses
        }()
        let (writeStatuses, readStatuses) = try await (writer, reader)
        #expect(writeStatuses.allSatisfy { $0 == 0 })
        #expect(readStatuses.allSatisfy { $0 == 0 })
        let metadata = try #require(try await cli.json("connection", "list")["metadata"] as? [String: Any])
        #expect(metadata["total_records"] as? Int == writes)
    }
}
