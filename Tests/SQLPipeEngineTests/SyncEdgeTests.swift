import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// What each mode must refuse, keep or not lose, on every target system.
@Suite struct SyncEdgeTests {
    static let systems: [DataSystem] = [.postgresql, .mariadb, .sqlite]
    static let modes: [(TransferMode, DataSystem)] = TransferMode.allCases.flatMap { mode in
        systems.map { (mode, $0) }
    }

    static func failure(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    // MARK: truncate

    struct Kept: Sendable {
        var rows: [[String?]]
        var kept: [String]
    }

    @Test(arguments: systems)
    func truncateKeepsTheTableItsIndexesAndWhatDependsOnIt(target: DataSystem) async throws {
        let kept = try await offPoolSharingServers { () -> Kept in
            let bench = try SyncBench(from: .postgresql, to: target)
            defer { bench.close() }
            try bench.createSource(rows: 5)
            _ = try bench.run(.truncate, key: ["id"])
            let table = bench.targetQuoted
            let index = bench.world.uniqueName("ix")
            let other = bench.world.uniqueName("other")
            try bench.target.execute("CREATE INDEX \(bench.target.dialect.quote(index)) ON \(table) (name)")
            switch target {
            case .postgresql:
                try bench.target.execute("CREATE VIEW \(bench.target.dialect.quote(other)) AS SELECT id FROM \(table)")
                try bench.target.execute("COMMENT ON TABLE \(table) IS 'kept'")
            case .mariadb, .mysql:
                try bench.target.execute("CREATE TABLE \(bench.target.dialect.quote(other)) (n int)")
                try bench.target.execute(
                    "CREATE TRIGGER \(bench.target.dialect.quote(other + "_t")) AFTER INSERT ON \(table) FOR EACH ROW INSERT INTO \(bench.target.dialect.quote(other)) VALUES (NEW.id)"
                )
            case .sqlite: break
            }
            defer {
                try? bench.target.execute(
                    target == .postgresql
                        ? "DROP VIEW IF EXISTS \(bench.target.dialect.quote(other))"
                        : "DROP TABLE IF EXISTS \(bench.target.dialect.quote(other))")
            }
            try bench.source.execute("DELETE FROM \(bench.sourceQuoted) WHERE id < 3")
            try bench.insert(id: 9)
            let outcome = try bench.run(.truncate)
            #expect(outcome.inserted == 4)
            var kept: [String] = []
            let indexes: String?
            switch target {
            case .postgresql:
                indexes = try bench.target.scalar(
                    "SELECT count(*) FROM pg_indexes WHERE tablename = '\(bench.targetTable)' AND indexname = '\(index)'"
                )
                if try bench.target.scalar("SELECT count(*) FROM \(bench.target.dialect.quote(other))") == "4" {
                    kept.append("view")
                }
                if try bench.target.scalar("SELECT obj_description(\(try bench.target.literal(table))::regclass)")
                    == "kept"
                {
                    kept.append("comment")
                }
                if try bench.target.uniqueKeys(of: TableName(name: bench.targetTable)) == [["id"]] {
                    kept.append("primary key")
                }
            case .mariadb, .mysql:
                indexes = try bench.target.scalar(
                    "SELECT count(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = '\(bench.targetTable)' AND index_name = '\(index)'"
                )
                // The trigger fired for the 5 rows of the first load and the 4 new ones.
                if try bench.target.scalar("SELECT count(*) FROM \(bench.target.dialect.quote(other))") == "4" {
                    kept.append("trigger")
                }
                if try bench.target.uniqueKeys(of: TableName(name: bench.targetTable)) == [["id"]] {
                    kept.append("primary key")
                }
            case .sqlite:
                indexes = try bench.target.scalar(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '\(index)'")
                if try bench.target.uniqueKeys(of: TableName(name: bench.targetTable)) == [["id"]] {
                    kept.append("primary key")
                }
            }
            if indexes == "1" { kept.append("index") }
            return Kept(rows: try bench.targetRows().map { [$0[0]] }, kept: kept.sorted())
        }
        #expect(kept.rows == [["3"], ["4"], ["5"], ["9"]])
        switch target {
        case .postgresql: #expect(kept.kept == ["comment", "index", "primary key", "view"])
        case .mariadb, .mysql: #expect(kept.kept == ["index", "primary key", "trigger"])
        case .sqlite: #expect(kept.kept == ["index", "primary key"])
        }
    }

    @Test(arguments: systems)
    func aCreatedTableGetsTheKeyInEveryMode(target: DataSystem) async throws {
        let keys = try await offPoolSharingServers { () -> [[[String]]] in
            let bench = try SyncBench(from: .sqlite, to: target)
            defer { bench.close() }
            try bench.createSource(rows: 2)
            var keys: [[[String]]] = []
            for mode in [TransferMode.append, .overwrite, .truncate] {
                _ = try bench.run(mode, key: ["amount", "id"])
                keys.append(try bench.target.uniqueKeys(of: TableName(name: bench.targetTable)))
                try bench.target.execute("DROP TABLE \(bench.targetQuoted)")
            }
            return keys
        }
        #expect(keys == Array(repeating: [["amount", "id"]], count: 3))
    }

    // MARK: upsert

    struct Merged: Sendable {
        var rows: [[String?]]
        var outcome: TransferOutcome
    }

    @Test(arguments: systems)
    func upsertMatchesACompositeKeyWithANameThatNeedsQuoting(target: DataSystem) async throws {
        let merged = try await offPoolSharingServers { () -> Merged in
            let bench = try SyncBench(from: .postgresql, to: target)
            defer { bench.close() }
            try bench.source.execute(
                "CREATE TABLE \(bench.sourceQuoted) (\"Order Id\" int, \"re\"\"gion\" text, qty int, PRIMARY KEY (\"Order Id\", \"re\"\"gion\"))"
            )
            try bench.source.execute(
                "INSERT INTO \(bench.sourceQuoted) VALUES (1, 'EU', 10), (1, 'US', 20), (2, 'EU', 30)")
            let key = ["Order Id", "re\"gion"]
            _ = try bench.run(.upsert, key: key)
            try bench.source.execute(
                "UPDATE \(bench.sourceQuoted) SET qty = 21 WHERE \"Order Id\" = 1 AND \"re\"\"gion\" = 'US'")
            try bench.source.execute("INSERT INTO \(bench.sourceQuoted) VALUES (2, 'US', 40)")
            let outcome = try bench.run(.upsert, key: key)
            let dialect = bench.target.dialect
            let rows = try bench.target.query(
                "SELECT \(dialect.quote("Order Id")), \(dialect.quote("re\"gion")), qty FROM \(bench.targetQuoted) ORDER BY 1, 2",
                [])
            return Merged(rows: rows, outcome: outcome)
        }
        #expect(merged.rows == [["1", "EU", "10"], ["1", "US", "21"], ["2", "EU", "30"], ["2", "US", "40"]])
        #expect(merged.outcome.inserted == 1 && merged.outcome.updated == 1 && merged.outcome.deleted == 0)
    }

    struct Refused: Sendable {
        var error: String?
        var rows: [[String?]]
        var stagingLeft: Bool
    }

    /// Loads the fixture's 5 rows, then runs `second` against a source changed by `change`.
    static func refusal(
        into target: DataSystem, change: @escaping @Sendable (SyncBench) throws -> Void,
        second: @escaping @Sendable (SyncBench) throws -> Void
    ) async throws -> Refused {
        try await offPoolSharingServers {
            let bench = try SyncBench(from: .postgresql, to: target)
            defer { bench.close() }
            try bench.createSource(rows: 5)
            _ = try bench.run(.upsert, key: ["id"])
            try change(bench)
            let before = try bench.targetRows()
            let error = Self.failure { try second(bench) }
            let after = try bench.targetRows()
            return Refused(error: error, rows: after == before ? [] : after, stagingLeft: try bench.stagingLeft())
        }
    }

    @Test(arguments: systems)
    func aKeyTwiceInTheSourceFailsNamingItAndChangesNothing(target: DataSystem) async throws {
        let refused = try await Self.refusal(
            into: target,
            change: { bench in
                try bench.source.execute("ALTER TABLE \(bench.sourceQuoted) DROP CONSTRAINT \(bench.sourceTable)_pkey")
                try bench.update("name = 'changed'", id: 2)
                try bench.insert(id: 4)
            },
            second: { bench in _ = try bench.run(.upsert, key: ["id"]) })
        #expect(
            refused.error?.contains("key (id) = ('4') 2 times") == true, Comment(rawValue: refused.error ?? "no error"))
        #expect(refused.rows.isEmpty, "the target changed: \(refused.rows)")
        #expect(!refused.stagingLeft)
    }

    @Test(arguments: systems)
    func aNullKeyFailsNamingTheRow(target: DataSystem) async throws {
        let refused = try await Self.refusal(
            into: target,
            change: { bench in
                try bench.source.execute("ALTER TABLE \(bench.sourceQuoted) DROP CONSTRAINT \(bench.sourceTable)_pkey")
                try bench.source.execute("ALTER TABLE \(bench.sourceQuoted) ALTER COLUMN id DROP NOT NULL")
                try bench.update("id = NULL", id: 2)
            },
            second: { bench in _ = try bench.run(.upsert, key: ["id"]) })
        // MariaDB's staging table keeps the key's NOT NULL: its load names the row by its number.
        let expected =
            target == .mariadb
            ? "NULL supplied to NOT NULL column 'id' at row 5"
            : "key column \"id\" is NULL: (id, name, score, amount, seen, note) = (NULL, 'O''Brien ☃ 2'"
        #expect(refused.error?.contains(expected) == true, Comment(rawValue: refused.error ?? "no error"))
        #expect(refused.rows.isEmpty, "the target changed: \(refused.rows)")
    }

    @Test(arguments: systems)
    func aTargetWithoutAUniqueIndexOnTheKeyIsRefusedBeforeReading(target: DataSystem) async throws {
        let refused = try await offPoolSharingServers { () -> Refused in
            let bench = try SyncBench(from: .postgresql, to: target)
            defer { bench.close() }
            try bench.createSource(rows: 3)
            _ = try bench.run(.append)
            // Reading would fail: the refusal must come first.
            let error = Self.failure {
                _ = try bench.run(.upsert, key: ["id"], query: "SELECT * FROM \(bench.sourceQuoted) WHERE 1 / 0 = 1")
            }
            return Refused(error: error, rows: try bench.targetRows(), stagingLeft: try bench.stagingLeft())
        }
        #expect(
            refused.error?.contains("has no PRIMARY KEY or UNIQUE index on exactly (id) (it has none)") == true,
            Comment(rawValue: refused.error ?? "no error"))
        #expect(refused.rows.count == 3)
    }

    @Test(arguments: systems)
    func upsertWithoutDeleteMissingKeepsRowsTheSourceLost(target: DataSystem) async throws {
        let merged = try await offPoolSharingServers { () -> Merged in
            let bench = try SyncBench(from: .mariadb, to: target)
            defer { bench.close() }
            try bench.createSource(rows: 4)
            _ = try bench.run(.upsert, key: ["id"])
            try bench.source.execute("DELETE FROM \(bench.sourceQuoted) WHERE id IN (1, 3)")
            let outcome = try bench.run(.upsert, key: ["id"])
            let kept = try bench.targetRows().map { [$0[0]] }
            return Merged(rows: kept, outcome: outcome)
        }
        #expect(merged.rows == [["1"], ["2"], ["3"], ["4"]])
        #expect(merged.outcome.deleted == 0 && merged.outcome.updated == 0 && merged.outcome.inserted == 0)
    }

    @Test(arguments: systems)
    func aConstraintViolatedByTheMergeLeavesTheTargetAsItWas(target: DataSystem) async throws {
        let refused = try await Self.refusal(
            into: target,
            change: { bench in
                if target == .sqlite {
                    // SQLite cannot add a constraint to a table: a NOT NULL column cannot take the NULL.
                    try bench.target.execute("DROP TABLE \(bench.targetQuoted)")
                    try bench.target.execute(
                        "CREATE TABLE \(bench.targetQuoted) (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score DOUBLE, amount DECIMAL TEXT(12,4), seen DATETIME, note TEXT)"
                    )
                    try bench.target.execute(
                        "INSERT INTO \(bench.targetQuoted) SELECT id, name, score, amount, seen, note FROM (SELECT 1 AS id, 'O''Brien ☃ 1' AS name, 0.3333333333333333 AS score, '1.1250' AS amount, '2024-01-01 00:00:01.000001' AS seen, 'note 1' AS note)"
                    )
                } else {
                    try bench.target.execute(
                        "ALTER TABLE \(bench.targetQuoted) ADD CONSTRAINT positive CHECK (score < 100)")
                }
                try bench.update(target == .sqlite ? "name = NULL" : "score = 1000", id: 1)
                try bench.insert(id: 6)
            },
            second: { bench in _ = try bench.run(.upsert, key: ["id"], deleteMissing: true) })
        #expect(refused.error != nil)
        #expect(refused.rows.isEmpty, "the target changed: \(refused.rows)")
        #expect(!refused.stagingLeft)
    }

    // MARK: incremental

    struct Boundary: Sendable {
        var keyed: [[String?]]
        var appended: [[String?]]
        var outcomes: [TransferOutcome]
    }

    /// Rows sharing the mark's value, and more with that value arriving between two runs.
    @Test(arguments: systems)
    func rowsSharingTheMarkAreNeitherLostNorDoubledWithAKey(target: DataSystem) async throws {
        let boundary = try await offPoolSharingServers { () -> Boundary in
            let keyed = try SyncBench(from: .postgresql, to: target)
            defer { keyed.close() }
            let mark = "2024-03-01 12:00:00.5"
            try keyed.createSource(rows: 3)
            try keyed.insert(id: 4, seen: mark)
            try keyed.insert(id: 5, seen: mark)
            var outcomes = [try keyed.run(.incremental, key: ["id"], cursor: "seen")]
            try keyed.insert(id: 6, seen: mark)
            outcomes.append(try keyed.run(.incremental, key: ["id"], cursor: "seen"))
            let appendTable = keyed.world.uniqueName("appended")
            var request = keyed.request(.incremental, cursor: "seen")
            if case .table(let config, _) = request.to { request.to = .table(config, TableName(name: appendTable)) }
            try keyed.source.execute("DELETE FROM \(keyed.sourceQuoted) WHERE id = 6")
            outcomes.append(try TransferEngine.run(request, control: RunControl()))
            try keyed.insert(id: 6, seen: mark)
            try keyed.insert(id: 7, seen: "2024-03-01 12:00:00.500001")
            outcomes.append(try TransferEngine.run(request, control: RunControl()))
            defer { try? keyed.target.execute("DROP TABLE \(keyed.target.dialect.quote(appendTable))") }
            return Boundary(
                keyed: try keyed.targetRows().map { [$0[0]] },
                appended: try SyncBench.rows(of: appendTable, in: keyed.target).map { [$0[0]] }, outcomes: outcomes)
        }
        #expect(boundary.keyed == [["1"], ["2"], ["3"], ["4"], ["5"], ["6"]])
        // The second keyed run reads the three rows at the mark and inserts the one that is new.
        #expect(boundary.outcomes[1].rows == 3 && boundary.outcomes[1].inserted == 1)
        // Without a key, `>`: row 6, committed later with the mark's value, is not seen; row 7 is.
        #expect(boundary.appended == [["1"], ["2"], ["3"], ["4"], ["5"], ["7"]])
        #expect(boundary.outcomes[3].rows == 1)
    }

    struct Marks: Sendable {
        var rows: [[String?]]
        var outcomes: [TransferOutcome]
    }

    @Test(arguments: systems)
    func anIntegerCursorReadsOnlyNewRows(target: DataSystem) async throws {
        let marks = try await offPoolSharingServers { () -> Marks in
            let bench = try SyncBench(from: .sqlite, to: target)
            defer { bench.close() }
            try bench.createSource(rows: 10)
            var outcomes = [try bench.run(.incremental, cursor: "id")]
            try bench.insert(id: 11)
            try bench.insert(id: 12)
            outcomes.append(try bench.run(.incremental, cursor: "id"))
            outcomes.append(try bench.run(.incremental, cursor: "id"))
            let problems = SyncBench.differences(try bench.sourceRows(), try bench.targetRows())
            #expect(problems.isEmpty, "\(problems)")
            return Marks(rows: try bench.targetRows().map { [$0[0]] }, outcomes: outcomes)
        }
        #expect(marks.rows.count == 12)
        #expect(marks.outcomes.map(\.rows) == [10, 2, 0])
        #expect(marks.outcomes.map(\.cursorFrom) == [nil, "10", "12"])
        #expect(marks.outcomes.map(\.cursorTo) == ["10", "12", "12"])
    }

    @Test(arguments: systems)
    func aCursorTheQueryDoesNotReturnIsAClearError(target: DataSystem) async throws {
        let errors = try await offPoolSharingServers { () -> [String?] in
            let bench = try SyncBench(from: .postgresql, to: target)
            defer { bench.close() }
            try bench.createSource(rows: 3)
            let query = "SELECT id, name FROM \(bench.sourceQuoted)"
            // A first load: the result lacks it.
            let first = Self.failure { _ = try bench.run(.incremental, cursor: "seen", query: query) }
            _ = try bench.run(.incremental, cursor: "seen")
            // A later run: the source cannot compare it.
            let later = Self.failure { _ = try bench.run(.incremental, cursor: "seen", query: query) }
            // The target lacks it.
            let missing = Self.failure { _ = try bench.run(.incremental, cursor: "updated_at") }
            return [first, later, missing]
        }
        #expect(
            errors[0]?.contains("the query returns no column \"seen\" to be the cursor column") == true, "\(errors)")
        #expect(errors[1]?.contains("the query must return the cursor column \"seen\"") == true, "\(errors)")
        #expect(errors[2]?.contains("it has no column \"updated_at\" (the cursor column)") == true, "\(errors)")
    }

    /// Later runs find the mark through the index, not by reading the whole table.
    @Test(arguments: systems)
    func aTableAnIncrementalRunCreatesHasItsCursorIndexed(target: DataSystem) async throws {
        let indexed = try await offPoolSharingServers { () -> String? in
            let bench = try SyncBench(from: .postgresql, to: target)
            defer { bench.close() }
            try bench.createSource(rows: 3)
            _ = try bench.run(.incremental, key: ["id"], cursor: "seen")
            switch target {
            case .postgresql:
                return try bench.target.query(
                    "SELECT count(*) FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%(seen)'",
                    [bench.targetTable]
                ).first?.first ?? nil
            case .mariadb, .mysql:
                return try bench.target.query(
                    "SELECT count(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND column_name = 'seen'",
                    [bench.targetTable]
                ).first?.first ?? nil
            case .sqlite:
                return try bench.target.query(
                    "SELECT count(*) FROM pragma_index_list(?1) AS l, pragma_index_info(l.name) AS i WHERE i.name = 'seen'",
                    [bench.targetTable]
                ).first?.first ?? nil
            }
        }
        #expect(indexed == "1")
    }

    @Test func rowsWithANullCursorAreSkippedWithAWarning() async throws {
        let outcome = try await offPoolSharingServers { () -> TransferOutcome in
            let bench = try SyncBench(from: .postgresql, to: .sqlite)
            defer { bench.close() }
            try bench.createSource(rows: 3)
            _ = try bench.run(.incremental, key: ["id"], cursor: "seen")
            try bench.insert(id: 4)
            try bench.update("seen = NULL", id: 4)
            return try bench.run(.incremental, key: ["id"], cursor: "seen")
        }
        #expect(outcome.warnings.contains { $0.contains("1 source row has a NULL in the cursor column \"seen\"") })
    }

    // MARK: failures mid-stream

    /// A request in `mode` with the fields the mode needs: the key `id`, deletes with upsert, the cursor
    /// `seen`.
    static func request(_ mode: TransferMode, on bench: SyncBench, query: String) -> TransferRequest {
        bench.request(
            mode, key: mode == .upsert || mode == .incremental ? ["id"] : [], deleteMissing: mode == .upsert,
            cursor: mode == .incremental ? "seen" : nil, query: query)
    }

    /// The source fails at row 5,000 (a division by zero): in every mode, the target is as it was.
    @Test(arguments: modes)
    func aSourceFailingMidStreamLeavesTheTargetAsItWas(mode: TransferMode, target: DataSystem) async throws {
        let refused = try await Self.refusal(
            into: target, change: { _ in },
            second: { bench in
                let query = """
                    SELECT g::bigint + 100 AS id, 'n' || g AS name, g / 3.0::float8 AS score, 1.5::numeric(12,4) AS amount,
                      timestamp '2025-01-01' + g * interval '1 microsecond' AS seen, (1 / (5000 - g))::text AS note
                    FROM generate_series(1, 10000) AS g
                    """
                _ = try TransferEngine.run(Self.request(mode, on: bench, query: query), control: RunControl())
            })
        #expect(refused.error?.contains("division by zero") == true, Comment(rawValue: refused.error ?? "no error"))
        #expect(refused.rows.isEmpty, "the target changed: \(refused.rows.count) rows")
        #expect(!refused.stagingLeft)
    }

    /// Cancelled while rows stream: in every mode, the target is as it was.
    @Test(arguments: modes)
    func aCancelledRunLeavesTheTargetAsItWas(mode: TransferMode, target: DataSystem) async throws {
        let refused = try await Self.refusal(
            into: target, change: { _ in },
            second: { bench in
                let query = """
                    SELECT g::bigint + 100 AS id, 'n' || g AS name, pg_sleep(0.0002)::text AS note,
                      timestamp '2025-01-01' + g * interval '1 microsecond' AS seen
                    FROM generate_series(1, 1000000) AS g
                    """
                let control = RunControl()
                let canceller = Thread {
                    while control.rowsTransferred < 5000 { Thread.sleep(forTimeInterval: 0.01) }
                    control.cancel()
                }
                canceller.start()
                _ = try TransferEngine.run(Self.request(mode, on: bench, query: query), control: control)
            })
        #expect(refused.error == "cancelled", Comment(rawValue: refused.error ?? "no error"))
        #expect(refused.rows.isEmpty, "the target changed: \(refused.rows.count) rows")
        #expect(!refused.stagingLeft)
    }
}
