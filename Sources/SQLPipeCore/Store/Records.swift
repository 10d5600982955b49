import Foundation
import GRDB
import SQLPipeEngine

/// Rows of the store as GRDB reads and writes them: snake_case columns, camelCase properties.
protocol StoreRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    var id: Int64? { get set }
}

extension StoreRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The record as the store holds it now: timestamps at the store's precision, so that what a write
    /// returns equals what a later read returns.
    func reloaded(_ db: Database) throws -> Self {
        guard let id, let stored = try Self.fetchOne(db, key: id) else {
            throw SQLPipeError.store("a record vanished while it was written")
        }
        return stored
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

extension MetadataStore {
    /// Inserts a record once `check` (a rule on the rest of the table) passed, in the same write, and
    /// returns it as stored.
    func insert<Record: StoreRecord>(_ row: Record, checking check: @escaping @Sendable (Database) throws -> Void)
        async throws -> Record
    {
        try await write { db in
            try check(db)
            var inserted = row
            try inserted.insert(db)
            return try inserted.reloaded(db)
        }
    }

    /// Writes a changed record once `check` passed, in the same write, and returns it as stored; `missing`
    /// is the message when it was deleted meanwhile.
    func update<Record: StoreRecord & TableRecord>(
        _ row: Record, missing: String, checking check: @escaping @Sendable (Database) throws -> Void
    ) async throws -> Record {
        try await write { db in
            try check(db)
            guard try Record.exists(db, key: row.id) else { throw SQLPipeError.notFound(missing) }
            try row.update(db)
            return try row.reloaded(db)
        }
    }

    /// One page of a table in the requested order; ties in `created_at` fall back to `id`.
    /// `filter`, when given, keeps only the rows it holds for, in the page and in its total.
    func page<Record: StoreRecord & TableRecord>(
        of type: Record.Type, _ request: PageRequest, filter: SQLExpression? = nil
    ) async throws -> (records: [Record], metadata: PageMetadata) {
        try await read { db in
            let rows = filter.map { Record.filter($0) } ?? Record.all()
            let total = try rows.fetchCount(db)
            let column = Column(request.sort.column)
            let idColumn = Column("id")
            let ordering = request.sort.descending ? [column.desc, idColumn.desc] : [column.asc, idColumn.asc]
            let records = try rows.order(ordering).limit(request.pageSize, offset: request.offset).fetchAll(db)
            return (records, PageMetadata(request: request, totalRecords: total))
        }
    }

    /// The record named by `reference`: a numeric id, or else the value of `nameColumn`.
    static func find<Record: StoreRecord & TableRecord>(
        _ type: Record.Type, _ reference: String, nameColumn: String, noun: String, in db: Database
    ) throws -> Record {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        let found: Record? =
            if let id = Int64(trimmed) {
                try Record.fetchOne(db, key: id)
            } else {
                try Record.filter(Column(nameColumn) == trimmed).fetchOne(db)
            }
        guard let found else { throw SQLPipeError.notFound("no \(noun) with id or \(nameColumn) '\(reference)'") }
        return found
    }
}

/// A row of `queries` read without its result (null here): what lists read.
struct QuerySummaryRow: StoreRecord {
    static let databaseTableName = "queries"
    static var databaseSelection: [any SQLSelectable] { [.allColumns(excluding: ["result"])] }
    var row: QueryRow

    var id: Int64? {
        get { row.id }
        set { row.id = newValue }
    }

    init(from decoder: any Decoder) throws { row = try QueryRow(from: decoder) }
    func encode(to encoder: any Encoder) throws { try row.encode(to: encoder) }
}
