import Foundation
import SQLPipeEngine
import SQLPipeTestSupport
import Testing

@testable import SQLPipeCore

/// Queries through the service, against the real servers.
@Suite struct QueryServiceTests {
    static let systems: [DataSystem] = [.postgresql, .mariadb, .sqlite]

    struct Setup: Sendable {
        let store: TestStore
        let world: TestWorld
        let connection: Connection
        let config: ConnectionConfig

        init(_ system: DataSystem) async throws {
            store = try TestStore()
            world = try TestWorld()
            connection = try await store.sqlpipe.connections.create(try world.input(system, name: "db"))
            config = try world.config(system)
        }

        func run(_ sql: String, output: (any StatementSink)? = nil) async throws -> Query {
            let created = try await store.sqlpipe.queries.create(
                QueryInput(connectionId: connection.id, query: sql), by: .adminNamed("tester"))
            #expect(created.status == .queued)
            return try await store.sqlpipe.queries.run(created.id, output: output)
        }
    }

    @Test(arguments: systems)
    func aSelectOfEveryFixtureTypeComesBackAsJSON(system: DataSystem) async throws {
        let setup = try await Setup(system)
        let table = setup.world.uniqueName("fixture")
        let fixture = HardValues.values(from: system, to: system)
        let session = try Drivers.open(setup.config)
        try HardValues.create(table, with: fixture, in: session, sqlitePath: setup.config.database)
        defer {
            try? session.execute("DROP TABLE \(session.dialect.quote(table))")
            session.close()
        }
        let query = try await setup.run("SELECT * FROM \(session.dialect.quote(table)) ORDER BY id")
        #expect(query.status == .complete, "\(query.error ?? "")")
        let result = try #require(query.result)
        #expect(result.truncated == false)
        #expect(result.columns.map(\.name) == fixture.map(\.name))
        #expect(result.rows.count == HardValues.rowCount)
        let types = Dictionary(uniqueKeysWithValues: result.columns.map { ($0.name, $0.type) })
        #expect(types["id"] == "int64")
        #expect(types["c_bool"] == "bool")
        #expect(types["c_bytes"] == "bytes")
        #expect(types["c_dec38"] == "decimal(38,10)")
        #expect(types["c_float64"] == "float64")
        #expect(types["c_tstz"] == "timestamptz")
        let row0 = Dictionary(uniqueKeysWithValues: zip(result.columns.map(\.name), result.rows[0]))
        #expect(row0["id"] == .int(1))
        #expect(row0["c_text"] == .null)
        #expect(row0["c_int64"] == .string("-9223372036854775808"), "beyond 2^53: a string")
        #expect(row0["c_int32"] == .int(-2_147_483_648))
        #expect(row0["c_uint64"] == .string("18446744073709551615"))
        #expect(row0["c_dec38"] == .string("1234567890123456789012345678.1234567890"))
        #expect(row0["c_float64"] == .double(5e-324))
        #expect(row0["c_bool"] == .bool(true))
        #expect(row0["c_date"] == .string("1850-06-15"))
        guard case .string(let instant) = row0["c_tstz"] else {
            Issue.record("c_tstz is not a string: \(String(describing: row0["c_tstz"]))")
            return
        }
        #expect(instant.hasSuffix("Z"))
        #expect(HardValues.same("2024-03-31 00:59:59.5", String(instant.dropLast()), type: .timestamptz), "\(instant)")
        let row3 = Dictionary(uniqueKeysWithValues: zip(result.columns.map(\.name), result.rows[3]))
        #expect(row3["c_text"] == .string("Unicode: é ü 日本語 😀 𝄞"))
        #expect(row3["c_bytes"] == .string(Data([0, 1, 2, 255, 0, 254]).base64EncodedString()))
        #expect(row3["c_int64"] == .int(-1))
        let row1 = Dictionary(uniqueKeysWithValues: zip(result.columns.map(\.name), result.rows[1]))
        #expect(row1["c_bool"] == .bool(false))
        #expect(row1["c_text"] == .string(""))
        #expect(row1["c_bytes"] == .string(""))
    }

    @Test(arguments: systems)
    func dmlReportsRowsAffectedAndDDLHasNoResult(system: DataSystem) async throws {
        let setup = try await Setup(system)
        let table = Drivers.dialect(for: system).quote(setup.world.uniqueName("dml"))
        let ddl = try await setup.run("CREATE TABLE \(table) (a int, b varchar(10))")
        #expect(ddl.status == .complete, "\(ddl.error ?? "")")
        #expect(ddl.result == nil)
        let insert = try await setup.run("INSERT INTO \(table) VALUES (1, 'x'), (2, 'y'), (3, NULL)")
        #expect(insert.status == .complete)
        #expect(insert.rowsAffected == 3)
        #expect(insert.result == nil)
        let update = try await setup.run("UPDATE \(table) SET b = 'z' WHERE a >= 2")
        #expect(update.rowsAffected == 2)
        let select = try await setup.run("SELECT a, b FROM \(table) ORDER BY a")
        #expect(select.result?.rows == [[.int(1), .string("x")], [.int(2), .string("z")], [.int(3), .string("z")]])
        #expect(select.rowsAffected == nil)
        _ = try await setup.run("DROP TABLE \(table)")
    }

    @Test(arguments: systems)
    func statementsThatReturnRowsAndChangeThemReportBoth(system: DataSystem) async throws {
        let setup = try await Setup(system)
        let table = Drivers.dialect(for: system).quote(setup.world.uniqueName("returning"))
        _ = try await setup.run("CREATE TABLE \(table) (a int, b varchar(10), f float)")
        // A float column too: MariaDB's FLOAT is read through a cast, which a RETURNING cannot take.
        let insert = try await setup.run("INSERT INTO \(table) VALUES (1, 'x', 0.5), (2, 'y', 1.5) RETURNING a, f")
        #expect(insert.status == .complete, "\(insert.error ?? "")")
        #expect(insert.result?.rows == [[.int(1), .double(0.5)], [.int(2), .double(1.5)]])
        #expect(insert.rowsAffected == 2)
        if system != .mariadb {  // MariaDB has no UPDATE … RETURNING
            let update = try await setup.run("UPDATE \(table) SET b = 'z' WHERE a = 2 RETURNING a, b")
            #expect(update.result?.rows == [[.int(2), .string("z")]])
            #expect(update.rowsAffected == 1)
        }
        let none = try await setup.run("DELETE FROM \(table) WHERE a > 5 RETURNING a")
        #expect(none.result?.rows == [])
        #expect(none.rowsAffected == 0)
        let delete = try await setup.run("DELETE FROM \(table) RETURNING a")
        #expect(delete.result?.rows.count == 2)
        #expect(delete.rowsAffected == 2)
        // A read changes nothing, also after a DDL statement that follows a change.
        let other = "\(table.dropLast())_2\(table.suffix(1))"
        let mixed = try await setup.run(
            "INSERT INTO \(table) VALUES (3, 'w', 2.5); CREATE TABLE \(other) (c int); SELECT a FROM \(table)")
        #expect(mixed.status == .complete, "\(mixed.error ?? "")")
        #expect(mixed.rowsAffected == 1)
        _ = try await setup.run("DROP TABLE \(table); DROP TABLE \(other)")
    }

    @Test(arguments: systems)
    func aSyntaxErrorEndsInErrorWithTheServersMessage(system: DataSystem) async throws {
        let setup = try await Setup(system)
        let query = try await setup.run("SELEKT 1")
        #expect(query.status == .error)
        let expected =
            switch system {
            case .postgresql: "syntax error at or near \"SELEKT\""
            case .sqlite: "near \"SELEKT\": syntax error"
            default: "You have an error in your SQL syntax"
            }
        #expect(query.error?.contains(expected) == true, "\(query.error ?? "")")
        #expect(query.stoppedAt != nil)
    }

    @Test(arguments: systems)
    func severalStatementsRunInOrderAndStopAtTheFirstError(system: DataSystem) async throws {
        let setup = try await Setup(system)
        let table = Drivers.dialect(for: system).quote(setup.world.uniqueName("multi"))
        let query = try await setup.run(
            "CREATE TABLE \(table) (a int); INSERT INTO \(table) VALUES (1); INSERT INTO \(table) VALUES (2); SELECT a FROM \(table) ORDER BY a"
        )
        #expect(query.status == .complete, "\(query.error ?? "")")
        #expect(query.result?.rows == [[.int(1)], [.int(2)]])
        #expect(query.rowsAffected == 2)

        let failing = try await setup.run(
            "INSERT INTO \(table) VALUES (3); SELECT * FROM no_such_table_\(setup.world.tag); INSERT INTO \(table) VALUES (4)"
        )
        #expect(failing.status == .error)
        #expect(failing.error?.contains("no_such_table") == true, "\(failing.error ?? "")")
        let after = try await setup.run("SELECT a FROM \(table) ORDER BY a")
        let values = after.result?.rows.map { $0[0] } ?? []
        #expect(!values.contains(.int(4)), "nothing after the error ran")
        _ = try await setup.run("DROP TABLE \(table)")
    }

    /// Counts every row the output receives.
    final class Counter: StatementSink, @unchecked Sendable {
        var rows = 0
        func begin(columns: [ColumnDescription]) throws {}
        func rows(_ batch: RowBatch) throws { rows += batch.rowCount }
        func end(rowsAffected: Int?) throws {}
    }

    @Test(arguments: systems)
    func largeResultsAreTruncatedInTheStoreButStreamedWhole(system: DataSystem) async throws {
        let setup = try await Setup(system)
        let sql =
            switch system {
            case .postgresql: "SELECT i, repeat('x', 10) AS pad FROM generate_series(1, 5000) AS i"
            case .sqlite:
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) SELECT i, 'xxxxxxxxxx' AS pad FROM n"
            default: "SELECT seq AS i, REPEAT('x', 10) AS pad FROM seq_1_to_5000"
            }
        let counter = Counter()
        let query = try await setup.run(sql, output: counter)
        #expect(query.status == .complete, "\(query.error ?? "")")
        #expect(counter.rows == 5000)
        #expect(query.result?.rows.count == 1000)
        #expect(query.result?.truncated == true)

        let wide =
            switch system {
            case .postgresql: "SELECT repeat('y', 100000) AS big FROM generate_series(1, 20)"
            case .sqlite:
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20) SELECT printf('%.*c', 100000, 'y') AS big FROM n"
            default: "SELECT REPEAT('y', 100000) AS big FROM seq_1_to_20"
            }
        let bytes = try await setup.run(wide)
        #expect(bytes.status == .complete, "\(bytes.error ?? "")")
        #expect(bytes.result?.truncated == true)
        #expect((bytes.result?.rows.count ?? 0) < 20)
    }

    @Test(arguments: systems)
    func aLongStatementIsCancelledOnTheServerFromAnotherProcess(system: DataSystem) async throws {
        let setup = try await Setup(system)
        let marker = "cancel_me_\(setup.world.tag)"
        let sql =
            switch system {
            case .postgresql: "SELECT pg_sleep(60), '\(marker)'"
            case .sqlite:
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*), '\(marker)' FROM n"
            default: "SELECT SLEEP(60), '\(marker)'"
            }
        let created = try await setup.store.sqlpipe.queries.create(
            QueryInput(connectionId: setup.connection.id, query: sql), by: .adminNamed("tester"))
        async let finished = setup.store.sqlpipe.queries.run(created.id)
        var running = try await setup.store.sqlpipe.queries.get(created.id, for: .machine)
        while running.status == .queued {
            try await Task.sleep(for: .milliseconds(50))
            running = try await setup.store.sqlpipe.queries.get(created.id, for: .machine)
        }
        if system == .sqlite {
            try await Task.sleep(for: .milliseconds(300))
        } else {
            // Running in the store comes before the statement reaches its server: wait until it is there.
            var onServer = false
            for _ in 0..<200 where !onServer {
                onServer = try ServerActivity.isRunning(marker, on: system)
                if !onServer { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(onServer)
        }
        let requested = ContinuousClock.now
        _ = try await setup.store.reopen().queries.cancel(created.id, for: .machine)
        if system != .sqlite {
            // Measured on the server: alone, the statement is gone within about half a second of the request
            // (the store is read four times a second, then PQcancel or KILL QUERY stops it). The bound is for a
            // two-core machine running some 150 tests at once, where runs of 2.5 to 3.8 s were seen.
            let stopped = try await ServerActivity.timeUntilStopped(marker, on: system)
            #expect(stopped < .seconds(5), "the statement ran \(stopped) after the cancel request")
        }
        let result = try await finished
        #expect(result.status == .cancelled)
        // Recording the end waits for the cooperative pool and the store, which the whole suite keeps busy:
        // 20 s was seen on a PostgreSQL store. A statement that was not stopped would run 60 s, or forever.
        #expect(ContinuousClock.now - requested < .seconds(30))
    }

    @Test func rowReturningStatementsOtherThanSelect() async throws {
        let postgres = try await Setup(.postgresql)
        let table = "\"returning_\(postgres.world.tag)\""
        let returning = try await postgres.run(
            "CREATE TEMP TABLE \(table) (id serial, v text); INSERT INTO \(table) (v) VALUES ('a'), ('b') RETURNING id, v"
        )
        #expect(returning.status == .complete, "\(returning.error ?? "")")
        #expect(returning.result?.rows == [[.int(1), .string("a")], [.int(2), .string("b")]])
        let show = try await postgres.run("SHOW TimeZone")
        #expect(show.result?.rows == [[.string("UTC")]])
        let explain = try await postgres.run("EXPLAIN SELECT 1")
        #expect(explain.result?.columns.first?.name == "QUERY PLAN")
        #expect((explain.result?.rows.count ?? 0) >= 1)

        let mariadb = try await Setup(.mariadb)
        let variables = try await mariadb.run("SHOW VARIABLES LIKE 'time_zone'")
        #expect(variables.result?.rows == [[.string("time_zone"), .string("+00:00")]])
        let sqlite = try await Setup(.sqlite)
        let pragma = try await sqlite.run("PRAGMA user_version")
        #expect(pragma.result?.rows == [[.int(0)]])
    }

    @Test func unknownConnectionsAndEmptyTextAreValidationErrors() async throws {
        let setup = try await Setup(.sqlite)
        let error = await #expect(throws: SQLPipeError.self) {
            try await setup.store.sqlpipe.queries.create(
                QueryInput(connectionId: 999, query: " "), by: .adminNamed("tester"))
        }
        guard case .validation(let fields) = error else {
            Issue.record("expected a validation error, got \(String(describing: error))")
            return
        }
        #expect(fields["connectionId"] == "no connection with id 999")
        #expect(fields["query"] == "must be provided")
    }
}
