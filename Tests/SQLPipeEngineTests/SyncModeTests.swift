import Foundation
import SQLPipeTestSupport
import Testing

@testable import SQLPipeEngine

/// A source table and a target on two databases, for running a transfer several times with changes in
/// between. Every value is read back in canonical form and compared with the source's.
struct SyncBench {
    static let columns: [(name: String, type: ColumnType)] = [
        ("id", .int64), ("name", .text), ("score", .float64), ("amount", .decimal(precision: 12, scale: 4)),
        ("seen", .timestamp), ("note", .text),
    ]

    let world: TestWorld
    let sourceConfig: ConnectionConfig
    let targetConfig: ConnectionConfig
    let source: any DatabaseSession
    let target: any DatabaseSession
    let sourceTable: String
    let targetTable: String

    init(from sourceSystem: DataSystem, to targetSystem: DataSystem) throws {
        world = try TestWorld()
        sourceConfig = try world.config(sourceSystem, file: "source.db")
        targetConfig = try world.config(targetSystem, file: "target.db")
        source = try Drivers.open(sourceConfig)
        target = try Drivers.open(targetConfig)
        sourceTable = world.uniqueName("sync_src")
        targetTable = world.uniqueName("Sync Dst")
    }

    func close() {
        try? source.execute("DROP TABLE IF EXISTS \(source.dialect.quote(sourceTable))")
        try? target.execute("DROP TABLE IF EXISTS \(target.dialect.quote(targetTable))")
        source.close()
        target.close()
    }

    var sourceQuoted: String { source.dialect.quote(sourceTable) }
    var targetQuoted: String { target.dialect.quote(targetTable) }

    /// Column definitions of the fixture's table on `system`.
    static func definitions(_ system: DataSystem, primaryKey: Bool = true) -> String {
        let key = primaryKey ? " PRIMARY KEY" : ""
        switch system {
        case .postgresql:
            return
                "id bigint\(key), name text, score double precision, amount numeric(12,4), seen timestamp(6), note text"
        case .mysql, .mariadb:
            return "id bigint\(key), name varchar(100), score double, amount decimal(12,4), seen datetime(6), note text"
        case .sqlite:
            return "id INTEGER\(key), name TEXT, score DOUBLE, amount DECIMAL TEXT(12,4), seen DATETIME, note TEXT"
        }
    }

    func createSource(rows: Int = 20) throws {
        try source.execute(
            "CREATE TABLE \(sourceQuoted) (\(Self.definitions(source.dialect.system)))"
                + (source.dialect.system == .sqlite ? "" : source.dialect.tableOptions))
        for id in 1...rows { try insert(id: id) }
    }

    func insert(id: Int, seen: String? = nil) throws {
        let seen = seen ?? String(format: "2024-01-01 00:%02d:%02d.000001", id / 60, id % 60)
        try source.execute(
            "INSERT INTO \(sourceQuoted) VALUES (\(id), 'O''Brien ☃ \(id)', \(Double(id) / 3), '\(id).1250', '\(seen)', 'note \(id)')"
        )
    }

    func update(_ assignments: String, id: Int) throws {
        try source.execute("UPDATE \(sourceQuoted) SET \(assignments) WHERE id = \(id)")
    }

    /// The rows of a table, sorted by id then by every other value, in canonical text.
    static func rows(of table: String, in session: any DatabaseSession) throws -> [[String?]] {
        let list = columns.map { session.dialect.quote($0.name) }.joined(separator: ", ")
        let (_, rows) = try HardValues.read("SELECT \(list) FROM \(session.dialect.quote(table))", from: session)
        return rows.sorted { a, b in
            let (x, y) = (Int(a[0] ?? "") ?? 0, Int(b[0] ?? "") ?? 0)
            if x != y { return x < y }
            return a.map { $0 ?? "" }.lexicographicallyPrecedes(b.map { $0 ?? "" })
        }
    }

    func sourceRows() throws -> [[String?]] { try Self.rows(of: sourceTable, in: source) }
    func targetRows() throws -> [[String?]] { try Self.rows(of: targetTable, in: target) }

    func request(
        _ mode: TransferMode, key: [String] = [], deleteMissing: Bool = false, cursor: String? = nil,
        query: String? = nil
    ) -> TransferRequest {
        TransferRequest(
            source: sourceConfig, target: targetConfig, query: query ?? "SELECT * FROM \(sourceQuoted)",
            table: TableName(name: targetTable), mode: mode, primaryKey: key, deleteMissing: deleteMissing,
            cursorColumn: cursor, stagingName: world.uniqueName("staging"))
    }

    func run(
        _ mode: TransferMode, key: [String] = [], deleteMissing: Bool = false, cursor: String? = nil,
        query: String? = nil
    ) throws -> TransferOutcome {
        try TransferEngine.run(
            request(mode, key: key, deleteMissing: deleteMissing, cursor: cursor, query: query), control: RunControl())
    }

    /// Tables whose name starts with the staging name: none may be left.
    func stagingLeft() throws -> Bool {
        try target.tableColumns(TableName(name: world.uniqueName("staging"))) != nil
    }

    /// Whether two sets of canonical rows hold the same values, column by column.
    static func differences(_ expected: [[String?]], _ actual: [[String?]]) -> [String] {
        guard expected.count == actual.count else {
            return ["expected \(expected.count) rows, got \(actual.count): \(actual.map { $0[0] ?? "NULL" })"]
        }
        var problems: [String] = []
        for (row, (want, have)) in zip(expected, actual).enumerated() {
            for (index, column) in columns.enumerated()
            where !HardValues.same(want[index], have[index], type: column.type) {
                problems.append(
                    "row \(row + 1) (id \(want[0] ?? "NULL")) \(column.name): expected \(want[index] ?? "NULL"), got \(have[index] ?? "NULL")"
                )
            }
        }
        return problems
    }
}

/// Each mode into each target system from each source system: a first load, a second run after rows
/// were inserted, updated (to NULL and back, to '', to -0 where the target holds it, by a microsecond)
/// and deleted, and a third run with no change.
@Suite struct SyncModeTests {
    static let systems: [DataSystem] = [.postgresql, .mariadb, .sqlite]
    static let cases: [(TransferMode, DataSystem, DataSystem)] = TransferMode.allCases.flatMap { mode in
        systems.flatMap { source in systems.map { (mode, source, $0) } }
    }

    struct Runs: Sendable {
        var outcomes: [TransferOutcome]
        var problems: [String]
        var stagingLeft: Bool
    }

    static func exercise(_ mode: TransferMode, from sourceSystem: DataSystem, to targetSystem: DataSystem) throws
        -> Runs
    {
        let bench = try SyncBench(from: sourceSystem, to: targetSystem)
        defer { bench.close() }
        try bench.createSource()
        let key = mode == .upsert || mode == .incremental ? ["id"] : []
        let cursor = mode == .incremental ? "seen" : nil
        func run() throws -> TransferOutcome {
            try bench.run(mode, key: key, deleteMissing: mode == .upsert, cursor: cursor)
        }
        var problems: [String] = []
        var outcomes: [TransferOutcome] = []

        outcomes.append(try run())
        let first = try bench.sourceRows()
        problems += SyncBench.differences(first, try bench.targetRows()).map { "first run: " + $0 }

        // A value to NULL, another from NULL back, a text to '', a float to -0 (or another value), a
        // timestamp by one microsecond; two rows inserted, one deleted. Incremental runs see the rows
        // whose cursor moved past the mark.
        let later = "2024-06-01 00:00:00.000001"
        try bench.update("name = NULL, seen = '\(later)'", id: 3)
        try bench.update("note = '', seen = '\(later)'", id: 4)
        let holdsNegativeZero = sourceSystem == .postgresql && targetSystem == .postgresql
        try bench.update("score = \(holdsNegativeZero ? "'-0'" : "2.5"), seen = '\(later)'", id: 5)
        try bench.update("seen = '2024-01-01 00:00:20.000002'", id: 20)
        try bench.insert(id: 21, seen: later)
        try bench.insert(id: 22, seen: later)
        try bench.source.execute("DELETE FROM \(bench.sourceQuoted) WHERE id = 7")
        outcomes.append(try run())
        let second = try bench.sourceRows()
        let changed = second.filter { row in ["3", "4", "5", "20", "21", "22"].contains(row[0] ?? "") }
        let expected: [[String?]]
        switch mode {
        case .overwrite, .truncate, .upsert: expected = second
        case .append: expected = first + second
        case .incremental:
            // The deleted row stays: an incremental run cannot see deletes.
            expected = second + first.filter { $0[0] == "7" }
        }
        problems += SyncBench.differences(sorted(expected), try bench.targetRows()).map { "second run: " + $0 }

        // Name back from NULL, and no other change.
        try bench.update("name = 'back'", id: 3)
        if mode == .incremental {
            // Incremental cannot see a change that leaves the cursor where it was: undo it.
            try bench.update("name = NULL", id: 3)
        }
        outcomes.append(try run())
        let third = try bench.sourceRows()
        let expectedThird: [[String?]]
        switch mode {
        case .overwrite, .truncate, .upsert: expectedThird = third
        case .append: expectedThird = first + second + third
        case .incremental: expectedThird = third + first.filter { $0[0] == "7" }
        }
        _ = changed
        problems += SyncBench.differences(sorted(expectedThird), try bench.targetRows()).map { "third run: " + $0 }
        return Runs(outcomes: outcomes, problems: problems, stagingLeft: try bench.stagingLeft())
    }

    static func sorted(_ rows: [[String?]]) -> [[String?]] {
        rows.sorted { a, b in
            let (x, y) = (Int(a[0] ?? "") ?? 0, Int(b[0] ?? "") ?? 0)
            if x != y { return x < y }
            return a.map { $0 ?? "" }.lexicographicallyPrecedes(b.map { $0 ?? "" })
        }
    }

    @Test(arguments: cases)
    func modeKeepsTheTargetInStep(mode: TransferMode, source: DataSystem, target: DataSystem) async throws {
        let runs = try await offPoolSharingServers { try Self.exercise(mode, from: source, to: target) }
        #expect(
            runs.problems.isEmpty, "\(mode) \(source)→\(target): \(runs.problems.prefix(8).joined(separator: "; "))")
        #expect(!runs.stagingLeft)
        let (first, second, third) = (runs.outcomes[0], runs.outcomes[1], runs.outcomes[2])
        #expect(first.rows == 20)
        switch mode {
        case .append:
            #expect(second.rows == 21 && second.inserted == 21 && second.deleted == 0)
        case .overwrite:
            #expect(second.rows == 21 && second.inserted == 21 && second.deleted == nil)
        case .truncate:
            #expect(second.rows == 21 && second.inserted == 21)
            // PostgreSQL's TRUNCATE does not count.
            #expect(second.deleted == (target == .postgresql ? nil : 20))
        case .upsert:
            #expect(first.inserted == 20 && first.updated == 0 && first.deleted == 0)
            #expect(second.rows == 21)
            #expect(second.inserted == 2 && second.updated == 4 && second.deleted == 1, "\(second)")
            #expect(third.inserted == 0 && third.updated == 1 && third.deleted == 0, "\(third)")
        case .incremental:
            #expect(
                first.cursorFrom == nil && first.cursorTo.map(HardValues.trimFraction) == "2024-01-01 00:00:20.000001")
            // Rows at or past the mark: 3, 4, 5, 20 (moved by a microsecond), 21, 22, and none at the old mark.
            #expect(second.rows == 6 && second.inserted == 2 && second.updated == 4, "\(second)")
            #expect(second.cursorFrom.map(HardValues.trimFraction) == "2024-01-01 00:00:20.000001")
            #expect(second.cursorTo.map(HardValues.trimFraction) == "2024-06-01 00:00:00.000001")
            // Only the rows at the mark are read again, and nothing changes.
            #expect(third.rows == 5 && third.inserted == 0 && third.updated == 0, "\(third)")
        }
    }
}
