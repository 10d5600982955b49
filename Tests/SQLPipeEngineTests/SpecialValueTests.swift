import Foundation
import GRDB
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// Values and types that one route holds and another does not: kept where the target has them, a failure
/// naming column and row where it does not, never altered.
@Suite struct SpecialValueTests {
    struct Outcome: Sendable {
        var error: String?
        var warnings: [String] = []
        /// The rows of `check` on the target, NULL as nil.
        var rows: [[String?]] = []
    }

    /// Runs `setup` on the source, moves `query` into a new target table and reads `check` there. In every
    /// statement `{src}` names the source table and `{dst}` the target table (`{dst_name}` unquoted), `{tag}`
    /// is unique to the run.
    static func move(
        from source: DataSystem, setup: [String], query: String, to target: DataSystem, check: String = "",
        cleanup: [String] = [], appendingTo existing: String? = nil
    ) async throws -> Outcome {
        try await offPool {
            let world = try TestWorld()
            let sourceConfig = try world.config(source, file: "source.db")
            let targetConfig = try world.config(target, file: "target.db")
            let sourceSession = try Drivers.open(sourceConfig)
            let targetSession = try Drivers.open(targetConfig)
            let targetTable = world.uniqueName("dst")
            func fill(_ sql: String, for session: any DatabaseSession) -> String {
                sql.replacingOccurrences(of: "{src}", with: sourceSession.dialect.quote(world.uniqueName("src")))
                    .replacingOccurrences(of: "{dst}", with: session.dialect.quote(targetTable))
                    .replacingOccurrences(of: "{dst_name}", with: targetTable)
                    .replacingOccurrences(of: "{tag}", with: world.tag)
            }
            defer {
                try? targetSession.execute("DROP TABLE \(targetSession.dialect.quote(targetTable))")
                try? sourceSession.execute(fill("DROP TABLE {src}", for: sourceSession))
                for statement in cleanup { try? sourceSession.execute(fill(statement, for: sourceSession)) }
                targetSession.close()
                sourceSession.close()
            }
            for statement in setup { try sourceSession.execute(fill(statement, for: sourceSession)) }
            if let existing { try targetSession.execute(fill(existing, for: targetSession)) }
            let request = TransferRequest(
                source: sourceConfig, target: targetConfig, query: fill(query, for: sourceSession),
                table: TableName(name: targetTable), mode: existing == nil ? .overwrite : .append,
                stagingName: world.uniqueName("staging"))
            do {
                let outcome = try TransferEngine.run(request, control: RunControl())
                let rows = check.isEmpty ? [] : try targetSession.query(fill(check, for: targetSession), [])
                return Outcome(error: nil, warnings: outcome.warnings, rows: rows)
            } catch {
                return Outcome(error: "\(error)")
            }
        }
    }

    @Test func postgresToPostgresKeepsEveryBuiltInTypeBesideAnEnum() async throws {
        let columns = "m, md, p, i, c, iv, a, mo, j, r, tz"
        let outcome = try await Self.move(
            from: .postgresql,
            setup: [
                "CREATE TYPE mood_{tag} AS ENUM ('sad', 'happy')",
                "CREATE DOMAIN mood_d_{tag} AS mood_{tag}",
                "CREATE DOMAIN positive_{tag} AS integer CHECK (VALUE > 0)",
                """
                CREATE TABLE {src} (id int, m mood_{tag}, md mood_d_{tag}, p positive_{tag}, i inet, c cidr,
                iv interval, a int[], mo money, j jsonb, r int4range, tz timestamptz)
                """,
                """
                INSERT INTO {src} VALUES (1, 'happy', 'sad', 7, '192.168.0.1/24', '10.0.0.0/8',
                '1 year 2 days 03:04:05.678', '{1,NULL,3}', 12.34, '{"b": [1, 2.50]}', '[1,5)', 'infinity'),
                (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-infinity')
                """,
            ],
            query: "SELECT \(columns) FROM {src} ORDER BY id", to: .postgresql,
            check: """
                SELECT (SELECT string_agg(format_type(atttypid, atttypmod), ', ' ORDER BY attnum) FROM pg_attribute
                WHERE attrelid = '{dst}'::regclass AND attnum > 0), m, md, p::text, i::text, c::text, iv::text, a::text,
                mo::text, j::text, r::text, tz::text FROM {dst} ORDER BY p NULLS LAST
                """,
            cleanup: ["DROP DOMAIN mood_d_{tag}", "DROP TYPE mood_{tag}", "DROP DOMAIN positive_{tag}"])
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        let types =
            "text, text, integer, inet, cidr, interval, integer[], money, jsonb, int4range, timestamp with time zone"
        #expect(outcome.rows.first?.first == types)
        #expect(
            outcome.rows.map { Array($0.dropFirst()) } == [
                [
                    "happy", "sad", "7", "192.168.0.1/24", "10.0.0.0/8", "1 year 2 days 03:04:05.678", "{1,NULL,3}",
                    "$12.34",
                    #"{"b": [1, 2.50]}"#, "[1,5)", "infinity",
                ],
                [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "-infinity"],
            ])
        #expect(outcome.warnings.count == 2, "\(outcome.warnings)")
        #expect(outcome.warnings.first?.hasPrefix("column \"m\": PostgreSQL type mood_") == true, "\(outcome.warnings)")
    }

    /// Appending to a table of other types takes the text route, where a zone must not be glued onto
    /// `infinity` or behind a date's BC.
    @Test func postgresTextRouteKeepsInfinityAndDatesBeforeChrist() async throws {
        let outcome = try await Self.move(
            from: .postgresql,
            setup: [
                "CREATE TABLE {src} (n int, tz timestamptz, d date)",
                """
                INSERT INTO {src} VALUES (1, 'infinity', 'infinity'), (2, '-infinity', '-infinity'),
                (3, '0044-03-15 12:00:00.5+00 BC', '0044-03-15 BC'), (4, '2024-01-01 00:00:00+00', '2024-01-01')
                """,
            ],
            query: "SELECT n, tz, d FROM {src} ORDER BY n", to: .postgresql,
            check: "SELECT n::text, tz::text, d::text FROM {dst} ORDER BY n",
            appendingTo: "CREATE TABLE {dst} (n bigint, tz timestamptz, d date)")
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        #expect(
            outcome.rows == [
                ["1", "infinity", "infinity"], ["2", "-infinity", "-infinity"],
                ["3", "0044-03-15 12:00:00.5+00 BC", "0044-03-15 BC"], ["4", "2024-01-01 00:00:00+00", "2024-01-01"],
            ])
    }

    @Test(arguments: ["d", "ts", "tz"])
    func infiniteAndBCDatesFailIntoMySQLNamingColumnAndRow(column: String) async throws {
        for value in ["infinity", "-infinity", "0044-03-15 BC"] {
            let outcome = try await Self.move(
                from: .postgresql,
                setup: [
                    "CREATE TABLE {src} (id int, d date, ts timestamp, tz timestamptz)",
                    "INSERT INTO {src} VALUES (1, '2024-01-01', '2024-01-01', '2024-01-01'), "
                        + "(2, '\(value)', '\(value)', '\(value)')",
                ],
                query: "SELECT \(column) FROM {src} ORDER BY id", to: .mariadb)
            let error = outcome.error ?? "no error"
            #expect(error.contains("column \"\(column)\", row 2: "), "\(error)")
            let why = value.hasSuffix("BC") ? "no dates before the year 1" : "hold no infinity"
            #expect(error.contains(why), "\(error)")
        }
    }

    @Test func infiniteDatesArriveInSQLiteAsTheirOwnText() async throws {
        let outcome = try await Self.move(
            from: .postgresql,
            setup: [
                "CREATE TABLE {src} (id int, d date, ts timestamp, tz timestamptz)",
                "INSERT INTO {src} VALUES (1, 'infinity', '-infinity', 'infinity'), "
                    + "(2, '-infinity', 'infinity', '-infinity')",
            ],
            query: "SELECT d, ts, tz FROM {src} ORDER BY id", to: .sqlite,
            check: "SELECT d, ts, tz, typeof(tz) FROM {dst} ORDER BY rowid")
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        #expect(
            outcome.rows == [
                ["infinity", "-infinity", "infinity", "text"], ["-infinity", "infinity", "-infinity", "text"],
            ])
    }

    @Test func datesBeforeChristFailIntoSQLiteNamingColumnAndRow() async throws {
        let outcome = try await Self.move(
            from: .postgresql,
            setup: [
                "CREATE TABLE {src} (id int, tz timestamptz)",
                "INSERT INTO {src} VALUES (1, now()), (2, '0044-03-15 00:00:00+00 BC')",
            ],
            query: "SELECT tz FROM {src} ORDER BY id", to: .sqlite)
        let expected = "column \"tz\", row 2: 0044-03-15 00:00:00 BC cannot be stored"
        #expect(outcome.error?.contains(expected) == true, "\(outcome.error ?? "")")
    }

    /// SQLite lets any column hold any value: an untyped column every storage class, an INTEGER one text.
    static let looseSQLite = [
        "CREATE TABLE {src} (id INTEGER PRIMARY KEY, v, n INTEGER, s VARCHAR(3), f FLOAT, b BLOB)",
        """
        INSERT INTO {src} VALUES (1, 7, 1, 'abcdef', 0.5, x'00ff'), (2, 2.5, 'three', 'x', 0.1, 'text'),
        (3, 'text', 2.5, 4, 1e300, 5), (4, x'00ff', NULL, NULL, NULL, x''),
        (5, NULL, 9223372036854775807, '', -0.0, NULL),
        (6, '12', NULL, NULL, NULL, NULL)
        """,
    ]

    @Test func sqliteToSQLiteKeepsEveryValuesStorageClass() async throws {
        let check = "SELECT " + ["v", "n", "s", "f", "b"].map { "typeof(\($0)), quote(\($0))" }.joined(separator: ", ")
        let outcome = try await Self.move(
            from: .sqlite, setup: Self.looseSQLite, query: "SELECT v, n, s, f, b FROM {src} ORDER BY id", to: .sqlite,
            check: "\(check) FROM {dst} ORDER BY rowid")
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        // What SQLite itself holds after the same statements.
        let expected = try await offPool {
            try DatabaseQueue().write { db -> [[String?]] in
                for statement in Self.looseSQLite {
                    try db.execute(sql: statement.replacingOccurrences(of: "{src}", with: "src"))
                }
                return try Row.fetchAll(db, sql: "\(check) FROM src ORDER BY id").map { row in
                    (0..<row.count).map { row[$0] as String? }
                }
            }
        }
        #expect(outcome.rows == expected)
        #expect(expected.count == 6 && expected[1][3] == "'three'" && expected[5][0] == "text")
    }

    @Test func sqliteToSQLiteKeepsTheDeclaredTypes() async throws {
        let outcome = try await Self.move(
            from: .sqlite, setup: Self.looseSQLite, query: "SELECT v, n, s, f, b, id + 1 AS e FROM {src} ORDER BY id",
            to: .sqlite,
            check: "SELECT name, type FROM pragma_table_info('{dst_name}') ORDER BY cid")
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        #expect(
            outcome.rows == [
                ["v", ""], ["n", "INTEGER"], ["s", "VARCHAR(3)"], ["f", "FLOAT"], ["b", "BLOB"], ["e", ""],
            ])
    }

    @Test func declaredTypesRepeatedOnlyWhenPlain() {
        let plainTypes = [
            "INTEGER", "VARCHAR(10)", "DECIMAL(12, 2)", "UNSIGNED BIG INT", "DECIMAL TEXT(20,0)", "NUMERIC(5,-2)",
        ]
        for plain in plainTypes {
            #expect(SQLiteDialect.isPlainDeclaredType(plain), "\(plain)")
        }
        let oddTypes = [
            "", "\"my type\"", "INT) ; DROP TABLE x; --", "VARCHAR(10)(2)", "9INT", "TEXT)", "INT -1", "A(1) B",
        ]
        for odd in oddTypes {
            #expect(!SQLiteDialect.isPlainDeclaredType(odd), "\(odd)")
        }
    }

    static let nonSQLiteTargets: [DataSystem] = [.postgresql, .mariadb]

    @Test(arguments: nonSQLiteTargets)
    func looseSQLiteValuesFailIntoTypedTargetsNamingColumnAndRow(target: DataSystem) async throws {
        let failures = [
            ("v", "column \"v\", row 2: '2.5' is not an integer, unlike the column's first value (int64)"),
            ("n", "column \"n\", row 2: 'three' is not an integer (in a INTEGER column)"),
            ("f", "column \"f\", row 2: 0.1 is not a float4 value"),
            ("b", "column \"b\", row 3: 5 is a number, not bytes (in a BLOB column)"),
        ]
        for (column, message) in failures {
            let outcome = try await Self.move(
                from: .sqlite, setup: Self.looseSQLite, query: "SELECT \(column) FROM {src} ORDER BY id", to: target)
            #expect(outcome.error?.contains(message) == true, "\(column): \(outcome.error ?? "no error")")
        }
        // The declared length is no constraint.
        let strings = try await Self.move(
            from: .sqlite, setup: Self.looseSQLite, query: "SELECT id, s FROM {src} ORDER BY id", to: target,
            check: "SELECT s FROM {dst} ORDER BY id")
        #expect(strings.error == nil, "\(strings.error ?? "")")
        #expect(strings.rows.map { $0[0] } == ["abcdef", "x", "4", nil, "", nil])
        // A number in a column whose first value is text arrives as text that keeps all its digits.
        let numbers = try await Self.move(
            from: .sqlite,
            setup: [
                "CREATE TABLE {src} (id INTEGER PRIMARY KEY, v)",
                "INSERT INTO {src} (v) VALUES ('a'), (0.1 + 0.2), (12)",
            ],
            query: "SELECT id, v FROM {src} ORDER BY id", to: target, check: "SELECT v FROM {dst} ORDER BY id")
        #expect(numbers.error == nil, "\(numbers.error ?? "")")
        #expect(numbers.rows.map { $0[0] } == ["a", "0.30000000000000004", "12"])
    }

    @Test func aSQLiteIntegerBeyondADoublesPrecisionFailsInAFloatColumn() async throws {
        let outcome = try await Self.move(
            from: .sqlite,
            setup: [
                "CREATE TABLE {src} (id INTEGER PRIMARY KEY, v)",
                "INSERT INTO {src} VALUES (1, 0.5), (2, 9007199254740993)",
            ],
            query: "SELECT v FROM {src} ORDER BY id", to: .postgresql)
        let expected = "column \"v\", row 2: 9007199254740993 is an integer with no exact float64 value"
        #expect(outcome.error?.contains(expected) == true, "\(outcome.error ?? "no error")")
    }

    @Test func theLargestFloat4ArrivesInMariaDBFromEveryWriter() async throws {
        // The fixture covers LOAD DATA and, in FallbackPathTests, the INSERTs: here the exact bits in MariaDB.
        let outcome = try await Self.move(
            from: .postgresql,
            setup: [
                "CREATE TABLE {src} (id int, f real)",
                "INSERT INTO {src} VALUES (1, '3.4028235e38'), (2, '-3.4028235e38'), (3, '1e-45')",
            ],
            query: "SELECT f FROM {src} ORDER BY id", to: .mariadb,
            check: "SELECT CAST(f AS DOUBLE) FROM {dst}")
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        let values = outcome.rows.compactMap { $0.first ?? nil }.compactMap(Double.init)
        #expect(
            values.map { Float($0).bitPattern } == [
                Float.greatestFiniteMagnitude.bitPattern, (-Float.greatestFiniteMagnitude).bitPattern,
                Float.leastNonzeroMagnitude.bitPattern,
            ])
        #expect(values.allSatisfy { Double(Float($0)) == $0 }, "\(values)")
    }
}
