import Foundation
import GRDB

/// One transaction of a metadata store, as the operations written once for both stores see it: statements
/// with `?` placeholders in the SQL both databases speak, and rows as GRDB reads them, whichever database
/// answered. Records go through their Codable columns both ways (`databaseDictionary`, `init(row:)`).
protocol StoreTransaction {
    /// What a claim appends to the `SELECT` of the record it takes: PostgreSQL locks the row and lets
    /// other workers skip it; SQLite needs nothing, as a write holds the whole file.
    var claimLock: String { get }

    func rows(_ sql: String, _ arguments: [DatabaseValue]) throws -> [Row]

    /// The records of a `SELECT` of their columns.
    func records<Record: StoreRecord>(_ type: Record.Type, _ sql: String, _ arguments: [DatabaseValue]) throws
        -> [Record]

    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int
}

/// A store whose operations are the shared ones below, over transactions of its own database.
protocol TransactionalStore: MetadataStoring {
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// One write transaction: all of it, or nothing. It may run `body` again when the database asks for a
    /// retry (PostgreSQL's serialization failures), so `body` changes nothing but the store.
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// The same, blocking the calling thread (the run watcher's own).
    func writeBlocking<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
}

/// Values for the placeholders of a statement.
func storeArguments(_ values: (any DatabaseValueConvertible)?...) -> [DatabaseValue] {
    values.map { $0?.databaseValue ?? .null }
}

extension StoreTransaction {
    func records<Record: StoreRecord>(_ type: Record.Type, _ sql: String, _ arguments: [DatabaseValue]) throws
        -> [Record]
    {
        try rows(sql, arguments).map { try Record(row: $0) }
    }

    func rows(_ sql: String, _ arguments: (any DatabaseValueConvertible)?...) throws -> [Row] {
        try rows(sql, arguments.map { $0?.databaseValue ?? .null })
    }

    @discardableResult
    func execute(_ sql: String, _ arguments: (any DatabaseValueConvertible)?...) throws -> Int {
        try execute(sql, arguments.map { $0?.databaseValue ?? .null })
    }

    /// The integer in column `n` of the first row (a `count(*) AS n`).
    func count(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int {
        guard let row = try rows(sql, arguments).first else { return 0 }
        let value: Int64? = row["n"]
        return Int(value ?? 0)
    }

    func fetchAll<Record: StoreRecord>(
        _ type: Record.Type, where condition: String? = nil, _ arguments: [DatabaseValue] = [], then suffix: String = ""
    ) throws -> [Record] {
        let filter = condition.map { " WHERE \($0)" } ?? ""
        return try records(
            type, "SELECT \(Record.selection) FROM \(Record.databaseTableName)\(filter)\(suffix)", arguments)
    }

    func fetchOne<Record: StoreRecord>(
        _ type: Record.Type, where condition: String, _ arguments: [DatabaseValue], then suffix: String = ""
    ) throws -> Record? {
        try fetchAll(type, where: condition, arguments, then: suffix + " LIMIT 1").first
    }

    func fetchOne<Record: StoreRecord>(_ type: Record.Type, id: Int64?) throws -> Record? {
        guard let id else { return nil }
        return try fetchOne(type, where: "id = ?", storeArguments(id))
    }

    /// The record with `id`, locked for this transaction where the database locks rows; nil when it does
    /// not exist or another transaction holds it.
    func fetchForClaim<Record: StoreRecord>(_ type: Record.Type, id: Int64) throws -> Record? {
        try fetchOne(type, where: "id = ?", storeArguments(id), then: claimLock)
    }

    func exists<Record: StoreRecord>(_ type: Record.Type, id: Int64?) throws -> Bool {
        guard let id else { return false }
        return try !rows("SELECT 1 AS n FROM \(Record.databaseTableName) WHERE id = ?", storeArguments(id)).isEmpty
    }

    /// Stores a new record, numbered by the database unless it has an id, and returns it as stored.
    func insert<Record: StoreRecord>(_ record: Record) throws -> Record {
        var values = try record.databaseDictionary
        if record.id == nil { values["id"] = nil }
        let columns = values.keys.sorted()
        let names = columns.map(Self.quoted).joined(separator: ", ")
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let inserted = try rows(
            "INSERT INTO \(Record.databaseTableName) (\(names)) VALUES (\(placeholders)) RETURNING id",
            columns.map { values[$0] ?? .null })
        let id: Int64? = inserted.first?["id"]
        guard let id, let stored = try fetchOne(Record.self, id: id) else {
            throw SQLPipeError.store("a stored \(Record.databaseTableName) record has no id")
        }
        return stored
    }

    /// Writes every column of a record; returns it as stored, or nil when it was deleted meanwhile.
    @discardableResult
    func update<Record: StoreRecord>(_ record: Record) throws -> Record? {
        guard let id = record.id else { return nil }
        var values = try record.databaseDictionary
        values["id"] = nil
        let columns = values.keys.sorted()
        let assignments = columns.map { "\(Self.quoted($0)) = ?" }.joined(separator: ", ")
        let changed = try execute(
            "UPDATE \(Record.databaseTableName) SET \(assignments) WHERE id = ?",
            columns.map { values[$0] ?? .null } + storeArguments(id))
        return changed == 0 ? nil : try fetchOne(Record.self, id: id)
    }

    @discardableResult
    func delete<Record: StoreRecord>(_ type: Record.Type, id: Int64?) throws -> Bool {
        guard let id else { return false }
        return try execute("DELETE FROM \(Record.databaseTableName) WHERE id = ?", storeArguments(id)) > 0
    }

    /// A column name as both databases quote it: the names are the store's own, never a user's.
    static func quoted(_ column: String) -> String { "\"\(column)\"" }
}
