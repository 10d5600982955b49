import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// Servers that sqlpipe connects to may be hostile: none may read the host's files through it.
@Suite struct HostileServerTests {
    /// A file only this test knows, standing for the store's key.
    static func secretFile() throws -> (path: String, content: String) {
        let directory = try TemporaryDirectory.make()
        let content = "SECRET-\(UUID().uuidString)"
        let path = directory.appendingPathComponent("store.db.key").path
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        return (path, content)
    }

    static func config(port: Int, params: [String: String] = [:]) -> ConnectionConfig {
        ConnectionConfig(
            system: .mariadb, hostname: "127.0.0.1", port: port, database: "db", username: "u", password: "p",
            params: params)
    }

    @Test(arguments: [[:], ["local_infile": "0"]])
    func aFileRequestedWhileConnectingIsRefused(params: [String: String]) throws {
        let secret = try Self.secretFile()
        let server = try FakeMySQLServer { _, index in index == 0 ? .requestFile(secret.path) : .ok }
        defer { server.stop() }
        // The connect-time init command is answered with the request: the connect fails, nothing is sent.
        let session = try? Drivers.open(Self.config(port: server.port, params: params), timeoutSeconds: 5)
        session?.close()
        #expect(server.receivedQueries.first?.hasPrefix("SET time_zone") == true)
        #expect(server.receivedFiles == [[]])
    }

    @Test(arguments: [[:], ["local_infile": "0"]])
    func aFileRequestedAfterAQueryIsRefused(params: [String: String]) throws {
        let secret = try Self.secretFile()
        let server = try FakeMySQLServer { _, index in index == 0 ? .ok : .requestFile(secret.path) }
        defer { server.stop() }
        let session = try Drivers.open(Self.config(port: server.port, params: params), timeoutSeconds: 5)
        defer { session.close() }
        let error = #expect(throws: DriverError.self) { try session.execute("SELECT 1") }
        #expect(error?.message.lowercased().contains("local infile") == true, "\(String(describing: error))")
        #expect(server.receivedFiles == [[]])
    }

    @Test func aUserStatementCannotLoadALocalFileIntoMariaDB() throws {
        let secret = try Self.secretFile()
        let world = try TestWorld()
        let table = world.uniqueName("stolen")
        let session = try Drivers.open(try world.config(.mariadb))
        defer { session.close() }
        try session.execute("CREATE TABLE `\(table)` (line TEXT)")
        defer { try? session.execute("DROP TABLE `\(table)`") }
        // The server allows LOAD DATA LOCAL (local_infile=1): only the client can refuse.
        #expect(try session.scalar("SELECT @@local_infile") == "1")
        let sink = DiscardingSink()
        #expect(throws: DriverError.self) {
            try session.runStatements("LOAD DATA LOCAL INFILE '\(secret.path)' INTO TABLE `\(table)`", sink: sink)
        }
        #expect(try session.scalar("SELECT count(*) FROM `\(table)`") == "0")
    }

    @Test func transfersIntoMariaDBStillLoadWithLoadData() throws {
        let world = try TestWorld()
        let table = world.uniqueName("loaded")
        let counter = try Drivers.open(try world.config(.mariadb))
        defer { counter.close() }
        let before = Int(try counter.query("SHOW GLOBAL STATUS LIKE 'Com_load'", []).first?[1] ?? "") ?? 0
        let request = TransferRequest(
            source: try world.config(.postgresql), target: try world.config(.mariadb),
            query: "SELECT generate_series(1, 100) AS n", table: TableName(name: table), mode: .append,
            stagingName: world.uniqueName("staging"))
        let outcome = try TransferEngine.run(request, control: RunControl())
        defer { try? counter.execute("DROP TABLE `\(table)`") }
        #expect(outcome.rows == 100)
        let after = Int(try counter.query("SHOW GLOBAL STATUS LIKE 'Com_load'", []).first?[1] ?? "") ?? 0
        #expect(after > before)
    }
}

/// Takes a statement's results and keeps nothing.
final class DiscardingSink: StatementSink {
    func begin(columns: [ColumnDescription]) throws {}
    func rows(_ batch: RowBatch) throws {}
    func end(rowsAffected: Int?) throws {}
}

/// A user's SQLite statements reach the connection's own file and nothing else.
@Suite struct SQLiteConfinementTests {
    static func session() throws -> (any DatabaseSession, URL) {
        let world = try TestWorld()
        return (try Drivers.open(try world.config(.sqlite)), world.directory)
    }

    @Test(arguments: ["ATTACH '%@' AS other", "VACUUM INTO '%@'"])
    func statementsThatReachAnotherFileAreRefused(template: String) throws {
        let (session, directory) = try Self.session()
        defer { session.close() }
        let other = directory.appendingPathComponent("other.db").path
        let statement = template.replacingOccurrences(of: "%@", with: other)
        let error = #expect(throws: DriverError.self) { try session.runStatements(statement, sink: DiscardingSink()) }
        // SQLite says "not authorized" for ATTACH and "authorization denied" for VACUUM INTO.
        #expect(error?.message.contains("authoriz") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: other))
    }

    @Test func statementsOnTheOwnFileStillRun() throws {
        let (session, _) = try Self.session()
        defer { session.close() }
        try session.execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        try session.runStatements("VACUUM", sink: DiscardingSink())
        try session.runStatements("ATTACH ':memory:' AS scratch; DETACH scratch", sink: DiscardingSink())
        #expect(try session.scalar("SELECT count(*) FROM t") == "1")
    }

    @Test func theFileCannotBeCorruptedThroughItsSchema() throws {
        let (session, _) = try Self.session()
        defer { session.close() }
        try session.execute("CREATE TABLE t (x)")
        // Defensive mode: writable_schema has no effect, so sqlite_master cannot be rewritten.
        try? session.execute("PRAGMA writable_schema = ON")
        #expect(throws: DriverError.self) {
            try session.execute("UPDATE sqlite_master SET sql = 'garbage' WHERE name = 't'")
        }
    }
}

/// A PostgreSQL source names the types of its columns; only PostgreSQL's own spellings reach a target's DDL.
@Suite struct PostgresTypeNameTests {
    @Test(arguments: [
        ("integer", "integer"), ("double precision", "double precision"), ("numeric(38,10)", "numeric(38,10)"),
        ("character varying(10)[]", "character varying(10)[]"),
        ("timestamp(3) with time zone", "timestamp(3) with time zone"),
        ("interval day to second(3)", "interval day to second(3)"), ("text", "pg_catalog.text"),
        ("inet[]", "pg_catalog.inet[]"),
        ("\"char\"", "pg_catalog.\"char\""), ("int4range", "pg_catalog.int4range"),
    ])
    func builtInNamesAreKeptOrQualified(formatted: String, expected: String) {
        #expect(PostgresDialect.ddlTypeName(formatted) == expected)
    }

    @Test(arguments: [
        "int); DROP TABLE victim; --", "public.evil", "text COLLATE \"C\"", "\"Weird\"", "integer DEFAULT 1", "",
    ])
    func anythingElseIsRefused(formatted: String) {
        #expect(PostgresDialect.ddlTypeName(formatted) == nil)
    }
}
