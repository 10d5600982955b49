import Foundation
import GRDB
import GRDBSQLite
import SQLPipeEngine

/// Rows of the store, read and written through their Codable columns: snake_case columns, camelCase
/// properties. Both stores read and write them the same way (`StoreTransaction`).
protocol StoreRecord: Codable, FetchableRecord, EncodableRecord, TableRecord, Sendable {
    var id: Int64? { get set }
    /// The columns a `SELECT` of the record reads.
    static var selection: String { get }
}

extension StoreRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
    static var selection: String { "*" }
}

/// A record that reads its columns by position, the positions found once for all the rows of a
/// statement where its rows share their columns (SQLite's statements; not the PostgreSQL store's rows, made
/// from dictionaries).
protocol PositionalRecord: StoreRecord {
    init(cells: inout StoredCells) throws
}

/// Where each column of a statement's rows is, by name, found once for all its rows.
struct ColumnPositions: Sendable {
    let names: [String]
    private let positions: [String: Int]

    init(names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() { positions[name] = index }
        self.positions = positions
    }

    /// The positions in `row`, from `last` when its columns are the same (a record's reads all select
    /// the same columns), comparing names rather than hashing them.
    static func of(_ row: Row, reusing last: Mutex<ColumnPositions?>) -> ColumnPositions {
        of(row.columnNames, reusing: last)
    }

    static func of(_ names: some Collection<String>, reusing last: Mutex<ColumnPositions?>) -> ColumnPositions {
        if let cached = last.withLock({ $0 }), cached.names.elementsEqual(names) { return cached }
        let positions = ColumnPositions(names: Array(names))
        last.withLock { $0 = positions }
        return positions
    }

    /// Where `name` is: at `guess` when it is there (a record reads its columns mostly in the table's
    /// order, so comparing one name is cheaper than hashing it), else wherever it is.
    @inline(__always)
    func position(of name: String, guess: Int) -> Int? {
        if guess < names.count && names[guess] == name { return guess }
        return positions[name]
    }
}

/// The values of a stored row, read as the types of a record's properties. A row of the SQLite store is read
/// from its statement in place, by SQLite's own calls: through GRDB's rows, generic and in another module,
/// every value cost a lookup of generic metadata at run time, and a timestamp a `Data` of its bytes; that
/// was a third of the time of a page of transfers. Any other value, and any other row (the PostgreSQL
/// store's, made from dictionaries), is read through its database value by GRDB's conversions.
struct StoredCells {
    private let row: Row
    /// The statement `row` is the current row of, when it is one.
    private let statement: SQLiteStatement?
    private let columns: ColumnPositions
    private let table: String
    /// Where the next column read is likely to be: after the last one.
    private var guess = 0

    /// `statement` must be the one `row` is read from, positioned on it.
    init(_ row: Row, _ columns: ColumnPositions, statement: SQLiteStatement? = nil, of table: String) {
        self.row = row
        self.statement = statement
        self.columns = columns
        self.table = table
    }

    mutating func optional(_ name: String) throws -> Int64? {
        guard let position = try present(name) else { return nil }
        if let statement, sqlite3_column_type(statement, position) == SQLITE_INTEGER {
            return sqlite3_column_int64(statement, position)
        }
        return try converted(name, position, as: Int64.self, "an integer")
    }

    mutating func optional(_ name: String) throws -> Int? {
        try (optional(name) as Int64?).map { Int($0) }
    }

    mutating func optional(_ name: String) throws -> Bool? {
        try (optional(name) as Int64?).map { $0 != 0 }
    }

    mutating func optional(_ name: String) throws -> String? {
        guard let position = try present(name) else { return nil }
        if let statement, sqlite3_column_type(statement, position) == SQLITE_TEXT,
            let text = sqlite3_column_text(statement, position)
        {
            let count = Int(sqlite3_column_bytes(statement, position))
            return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
        }
        return try converted(name, position, as: String.self, "text")
    }

    /// A timestamp in the stores' own form, read from its text; any other, by GRDB's reading.
    mutating func optional(_ name: String) throws -> Date? {
        guard let position = try present(name) else { return nil }
        if let statement, sqlite3_column_type(statement, position) == SQLITE_TEXT,
            let text = sqlite3_column_text(statement, position),
            let date = StoredTimestamp.date(
                UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, position))))
        {
            return date
        }
        if statement == nil, case .string(let text) = (row[Int(position)] as DatabaseValue).storage,
            let date = StoredTimestamp.date(text)
        {
            return date
        }
        return try converted(name, position, as: Date.self, "a timestamp")
    }

    mutating func required<Value>(_ name: String, _ read: (inout Self, String) throws -> Value?) throws -> Value {
        guard let value = try read(&self, name) else {
            throw SQLPipeError.store("the store's \(table) column \(name) is NULL")
        }
        return value
    }

    mutating func required(_ name: String) throws -> Int64 { try required(name) { try $0.optional($1) } }
    mutating func required(_ name: String) throws -> Int { try required(name) { try $0.optional($1) } }
    mutating func required(_ name: String) throws -> Bool { try required(name) { try $0.optional($1) } }
    mutating func required(_ name: String) throws -> String { try required(name) { try $0.optional($1) } }
    mutating func required(_ name: String) throws -> Date { try required(name) { try $0.optional($1) } }

    /// The position of `name`, or nil when it holds NULL.
    private mutating func present(_ name: String) throws -> Int32? {
        guard let position = columns.position(of: name, guess: guess) else {
            throw SQLPipeError.store(
                "the store's \(table) row has no column \(name): is its schema older than this sqlpipe?")
        }
        guess = position + 1
        if let statement {
            return sqlite3_column_type(statement, Int32(position)) == SQLITE_NULL ? nil : Int32(position)
        }
        return row.hasNull(atIndex: position) ? nil : Int32(position)
    }

    private func converted<Value: DatabaseValueConvertible>(
        _ name: String, _ position: Int32, as type: Value.Type, _ noun: String
    ) throws -> Value {
        guard let value = Value.fromDatabaseValue(row[Int(position)]) else { throw mismatch(name, position, noun) }
        return value
    }

    private func mismatch(_ name: String, _ position: Int32, _ noun: String) -> SQLPipeError {
        let value = row[Int(position)] as DatabaseValue
        return .store("the store's \(table) column \(name) holds \(value), not \(noun)")
    }
}

struct ConnectionRow: StoreRecord {
    static let databaseTableName = "connections"
    var id: Int64?
    var createdAt: Date
    var updatedAt: Date
    var name: String
    var dsType: String
    var hostname: String
    var port: Int?
    var dbName: String
    var username: String
    var accountId: String
    var params: [String: String]
    var passwordCiphertext: Data?
    var restricted: Bool
    var secretParamsCiphertext: Data?
}

struct UserRow: StoreRecord {
    static let databaseTableName = "users"
    var id: Int64?
    var createdAt: Date
    var username: String
    var passwordHash: String
    var admin: Bool
}

extension UserRow {
    /// Read column by column rather than through Codable's snake_case conversion: the server reads a
    /// user on every request.
    init(row: Row) throws {
        id = row["id"]
        createdAt = row["created_at"]
        username = row["username"]
        passwordHash = row["password_hash"]
        admin = row["admin"]
    }
}

struct TransferRow: StoreRecord {
    static let databaseTableName = "transfers"
    var id: Int64?
    var createdAt: Date
    var createdBy: String
    var createdByAdmin: Bool
    var sourceId: Int64?
    var targetId: Int64?
    var query: String
    var targetSchema: String
    var targetTable: String
    /// Kept equal to `mode == "overwrite"`: the column of stores from before `mode`.
    var overwrite: Bool
    var mode: String
    var primaryKey: [String]
    var deleteMissing: Bool
    var cursorColumn: String?
    var status: String
    var error: String?
    var warnings: [String]
    var rowsTransferred: Int
    var rowsInserted: Int?
    var rowsUpdated: Int?
    var rowsDeleted: Int?
    var cursorFrom: String?
    var cursorTo: String?
    var startedAt: Date?
    var stoppedAt: Date?
    var runnerPid: Int?
    var runnerHost: String?
    var cancelRequested: Bool
    var stagingTable: String?
    var cleanupPending: Bool
    var leaseExpiresAt: Date?
    var runnerToken: String?
    /// The replication run the transfer was a stream of.
    var replicationRunId: Int64?
    /// A file in place of the source connection and query, or of the target connection and table.
    var sourceFile: StoredFile?
    var targetFile: StoredFile?
}

/// A transfer's file as the store keeps it: the spec, and whose files it names. `onHost` is a path of the
/// command line's user; otherwise the path is relative to the data directory of whichever server runs it.
struct StoredFile: Codable, Equatable {
    var spec: FileSpec
    var onHost: Bool
}

struct QueryRow: StoreRecord {
    static let databaseTableName = "queries"
    var id: Int64?
    var createdAt: Date
    var createdBy: String
    var createdByAdmin: Bool
    var connectionId: Int64?
    var query: String
    var status: String
    var error: String?
    var rowsAffected: Int?
    var result: QueryResult?
    var startedAt: Date?
    var stoppedAt: Date?
    var runnerPid: Int?
    var runnerHost: String?
    var cancelRequested: Bool
    var leaseExpiresAt: Date?
    var runnerToken: String?
}

struct ReplicationRow: StoreRecord {
    static let databaseTableName = "replications"
    var id: Int64?
    var name: String
    var sourceId: Int64?
    var targetId: Int64?
    var defaults: StreamSettings
    var streams: [ReplicationStream]
    var exclude: [String]
    var concurrency: Int
    var schedule: String?
    var timezone: String?
    var createdAt: Date
    var createdBy: String
    var updatedAt: Date
    var nextRunAt: Date?
    var skippedDueTimes: Int
}

struct ReplicationRunRow: StoreRecord {
    static let databaseTableName = "replication_runs"
    var id: Int64?
    var replicationId: Int64?
    var createdAt: Date
    var createdBy: String
    var createdByAdmin: Bool
    var status: String
    var error: String?
    var streamFilter: String?
    var scheduledFor: Date?
    var skippedDueTimes: Int
    var streams: [StreamResult]
    var startedAt: Date?
    var stoppedAt: Date?
    var runnerPid: Int?
    var runnerHost: String?
    var runnerToken: String?
    var leaseExpiresAt: Date?
    var cancelRequested: Bool
}

extension TransactionalStore {
    /// Inserts a record once `check` (a rule on the rest of the table) passed, in the same write, and
    /// returns it as stored.
    func insert<Record: StoreRecord>(
        _ row: Record, checking check: @escaping @Sendable (any StoreTransaction) throws -> Void
    ) async throws -> Record {
        try await write { tx in
            try check(tx)
            return try tx.insert(row)
        }
    }

    /// Writes a changed record once `check` passed, in the same write, and returns it as stored; `missing`
    /// is the message when it was deleted meanwhile.
    func update<Record: StoreRecord>(
        _ row: Record, missing: String, checking check: @escaping @Sendable (any StoreTransaction) throws -> Void
    ) async throws -> Record {
        try await write { tx in
            try check(tx)
            guard let stored = try tx.update(row) else { throw SQLPipeError.notFound(missing) }
            return stored
        }
    }

    /// One page of a table in the requested order; ties in `created_at` fall back to `id`.
    /// `filter`, when given, keeps only the rows it holds for, in the page and in its total.
    func page<Record: StoreRecord>(
        of type: Record.Type, _ request: PageRequest, filter: String? = nil, _ arguments: [DatabaseValue] = []
    ) async throws -> (records: [Record], metadata: PageMetadata) {
        try await read { tx in
            let condition = filter.map { " WHERE \($0)" } ?? ""
            let total = try tx.count("SELECT count(*) AS n FROM \(Record.databaseTableName)\(condition)", arguments)
            let direction = request.sort.descending ? "DESC" : "ASC"
            let records = try tx.fetchAll(
                Record.self, where: filter, arguments + storeArguments(request.pageSize, request.offset),
                then: " ORDER BY \(request.sort.column) \(direction), id \(direction) LIMIT ? OFFSET ?")
            return (records, PageMetadata(request: request, totalRecords: total))
        }
    }

    /// The record named by `reference`: a numeric id, or else the value of `nameColumn`.
    static func find<Record: StoreRecord>(
        _ type: Record.Type, _ reference: String, nameColumn: String, noun: String, in tx: any StoreTransaction
    ) throws -> Record {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        let found: Record? =
            if let id = Int64(trimmed) {
                try tx.fetchOne(Record.self, id: id)
            } else {
                try tx.fetchOne(Record.self, where: "\(nameColumn) = ?", storeArguments(trimmed))
            }
        guard let found else { throw SQLPipeError.notFound("no \(noun) with id or \(nameColumn) '\(reference)'") }
        return found
    }
}

/// A row of `queries` read without its result (null here): what lists read.
struct QuerySummaryRow: StoreRecord {
    static let databaseTableName = "queries"
    /// Every column of `queries` but `result` (`StoreTests` checks the list against the schema).
    static let selection = """
        id, created_at, created_by, created_by_admin, connection_id, query, status, error, rows_affected, \
        started_at, stopped_at, runner_pid, runner_host, cancel_requested, lease_expires_at, runner_token
        """
    var row: QueryRow

    var id: Int64? {
        get { row.id }
        set { row.id = newValue }
    }

    init(from decoder: any Decoder) throws { row = try QueryRow(from: decoder) }
    func encode(to encoder: any Encoder) throws { try row.encode(to: encoder) }
}
