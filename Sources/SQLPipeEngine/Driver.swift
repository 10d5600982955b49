import Foundation

/// A table named by an optional schema (empty means the connection's default) and a name, case kept.
public struct TableName: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var schema: String
    public var name: String

    public init(schema: String = "", name: String) {
        self.schema = schema
        self.name = name
    }

    public var description: String { schema.isEmpty ? name : "\(schema).\(name)" }
}

/// A column of an existing table, as the target reports it.
public struct TableColumn: Equatable, Sendable {
    public var name: String
    public var typeName: String
    public init(name: String, typeName: String) {
        self.name = name
        self.typeName = typeName
    }
}

/// Reads the rows of one query, batch by batch.
public protocol RowReader: AnyObject {
    var columns: [ColumnDescription] { get }
    /// Cells a row of its batches holds: one per column, or 1 for a stream passed through undecoded.
    var batchColumnCount: Int { get }
    /// Warnings about the result's types (e.g. a type read as text).
    var warnings: [String] { get }
    /// Appends up to one batch of rows to `batch`; false once the result is exhausted.
    func read(into batch: inout RowBatch) throws -> Bool
    func close()
}

/// Writes rows into one table of an open transaction. It pulls batches until `next` returns nil and
/// returns how many rows it wrote.
public protocol RowWriter: AnyObject {
    func write(from next: () throws -> RowBatch?) throws -> Int
}

/// Receives the results of `runStatements`, in order: for a statement that returns rows `begin`, then
/// `rows` for each batch, then `end`; for one that does not, `end` alone. `end` carries the rows the
/// statement changed, also when it returns rows (`INSERT … RETURNING`), and nil when it changes none
/// by its nature (a SELECT).
public protocol StatementSink: AnyObject {
    func begin(columns: [ColumnDescription]) throws
    func rows(_ batch: RowBatch) throws
    func end(rowsAffected: Int?) throws
}

/// Stops what a session is running, from any thread.
public protocol QueryCanceller: Sendable {
    /// Asks the server to stop the running statement (PQcancel, KILL QUERY, sqlite3_interrupt). It may
    /// block on the network: callers run it off any thread that must stay responsive.
    func cancel()
    /// Breaks the session's connection, so that a call blocked on a server that no longer answers returns
    /// with an error. Never waits; a no-op once the session is closed.
    func abort()
}

extension QueryCanceller {
    public func abort() {}
}

/// Shuts down a session's socket from another thread. The descriptor is only shut down, never closed:
/// it stays its session's until the session closes it, and the session detaches first, so a descriptor
/// number reused by something else is never touched.
final class SocketBreaker: @unchecked Sendable {
    private let lock = NSLock()
    private var descriptor: Int32?

    init(descriptor: Int32) {
        self.descriptor = descriptor >= 0 ? descriptor : nil
    }

    func breakConnection() {
        lock.withLock {
            if let descriptor { _ = shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
    }

    func detach() {
        lock.withLock { descriptor = nil }
    }
}

/// An open session on one database. Each session owns its C handle and is used by one thread at a time.
public protocol DatabaseSession: AnyObject {
    var dialect: any Dialect { get }
    /// The server's version string, e.g. "PostgreSQL 15.18" or "10.11.6-MariaDB".
    func serverVersion() throws -> String
    /// Runs a statement with bound parameters and returns its rows as text (nil for NULL).
    func query(_ sql: String, _ parameters: [String?]) throws -> [[String?]]
    /// Runs a statement of sqlpipe's own making (identifiers quoted by the dialect, no values).
    func execute(_ sql: String) throws
    /// Starts a query and describes its result; rows then come from the reader.
    func openReader(_ query: String) throws -> any RowReader
    /// Runs a text of one or more statements in order, as the database's own client would (PostgreSQL's
    /// simple protocol, MySQL multi-statements, SQLite one statement after the other), reporting every
    /// result to `sink`; stops at the first error and throws it.
    func runStatements(_ sql: String, sink: any StatementSink) throws
    /// The columns of an existing table, or nil when there is no such table.
    func tableColumns(_ table: TableName) throws -> [TableColumn]?
    /// Why rows appended to this existing table could not be rolled back if the load fails (a MySQL table
    /// of an engine without transactions), or nil when they can.
    func appendCannotRollBack(_ table: TableName) throws -> String?
    /// A better way than the neutral vocabulary to move the rows of `query` into `target`, when the target
    /// is a database of the same kind (PostgreSQL's binary COPY, SQLite's storage classes); nil for none.
    /// `existing` are the columns of the table appended to, nil when a table is created.
    func sameSystemRoute(
        for query: String, into target: any DatabaseSession, existing: [TableColumn]?
    ) throws -> (any SameSystemRoute)?
    /// A writer of rows with these columns into `table`, inside the current transaction.
    func bulkWriter(into table: TableName, columns: [ColumnDescription]) throws -> any RowWriter
    /// The column sets of the table's PRIMARY KEY (first) and UNIQUE indexes, each in index order; only
    /// indexes that an upsert can match on (not partial, not on expressions or prefixes).
    func uniqueKeys(of table: TableName) throws -> [[String]]
    /// The tables of `schema` (empty: the connection's default schema or database), as the catalog spells
    /// them: base and partitioned tables, not views, not the partitions of a partitioned table.
    func tableNames(in schema: String) throws -> [String]
    /// The columns of the table's PRIMARY KEY in key order; empty when it has none or is not a table.
    func primaryKey(of table: TableName) throws -> [String]
    /// Deletes every row of `table` inside the current transaction, keeping the table itself; returns how
    /// many rows it deleted, nil where the database does not say (PostgreSQL's TRUNCATE).
    func deleteAllRows(of table: TableName) throws -> Int?
    /// A merge by key of rows loaded into a staging table of this session into `target.table`.
    func keyedMerge(_ target: MergeTarget) -> any KeyedMerge
    /// `text` as a string literal of this database, made by its client library's own escaping.
    func literal(_ text: String) throws -> String
    func canceller() -> any QueryCanceller
    func close()
}

extension RowReader {
    public var batchColumnCount: Int { columns.count }
}

extension DatabaseSession {
    public func appendCannotRollBack(_ table: TableName) throws -> String? { nil }

    public func sameSystemRoute(
        for query: String, into target: any DatabaseSession, existing: [TableColumn]?
    ) throws -> (any SameSystemRoute)? { nil }
}

/// How rows move between two databases of the same kind, in the form both ends share. Each part may
/// decline (nil) and leave it to the neutral path: a route may learn only when it opens its reader that it
/// cannot be taken (a statement PostgreSQL's COPY cannot wrap), and then declines the rest.
public protocol SameSystemRoute: AnyObject {
    /// The reader of the query's rows.
    func openReader() throws -> any RowReader
    /// Whether the target keeps the source's own column types, so that no type warning applies.
    var keepsSourceTypes: Bool { get }
    /// The CREATE TABLE of a new target table, with `primaryKey` as its PRIMARY KEY, or nil for the target
    /// dialect's own.
    func createStatement(_ table: TableName, columns: [ColumnDescription], primaryKey: [String]) -> String?
    /// The writer into `table`, or nil for the target's bulk writer.
    func writer(into table: TableName, columns: [ColumnDescription]) throws -> (any RowWriter)?
}

/// What a keyed merge works on: the table, whose `existing` columns give the staging table its types; the
/// result's `columns`, in its order; the `key` among them; the staging table's name.
public struct MergeTarget: Sendable {
    public var table: TableName
    public var existing: [TableColumn]
    public var columns: [String]
    public var key: [String]
    public var stagingName: String

    public init(table: TableName, existing: [TableColumn], columns: [String], key: [String], stagingName: String) {
        self.table = table
        self.existing = existing
        self.columns = columns
        self.key = key
        self.stagingName = stagingName
    }

    /// The columns a merge updates: the result's, but the key.
    public var updatedColumns: [String] { columns.filter { !key.contains($0) } }

    /// The target's type name of a result column, matched without regard to case (PostgreSQL's names
    /// match exactly already).
    public func existingType(of column: String) -> String {
        (existing.first { $0.name == column } ?? existing.first { $0.name.lowercased() == column.lowercased() })?
            .typeName ?? ""
    }
}

/// What a keyed merge changed in the target; nil where the database cannot tell.
public struct MergeCounts: Sendable, Equatable {
    public var inserted: Int?
    public var updated: Int?
    public var deleted: Int?

    public init(inserted: Int?, updated: Int?, deleted: Int?) {
        self.inserted = inserted
        self.updated = updated
        self.deleted = deleted
    }
}

/// Moves rows loaded into a staging table into the target by their key, inside the caller's transaction:
/// an upsert (rows whose key is there are updated, the others inserted), optionally deleting the target's
/// rows whose key the staging table lacks. The staging table is the session's own (temporary): it is
/// never seen by others and goes with the session.
public protocol KeyedMerge: AnyObject {
    /// Where the rows are loaded.
    var staging: TableName { get }
    /// Creates the staging table, with the target's types for the result's columns.
    func createStaging() throws
    /// Once the rows are loaded: what the checks and the merge need to be fast (an index, statistics).
    func prepare() throws
    /// Deletes the missing rows when asked, then merges; changes only rows whose values differ.
    func apply(deleteMissing: Bool) throws -> MergeCounts
    /// Drops the staging table, once the transaction ended (either way).
    func dropStaging()
}

extension DatabaseDriver {
    public func problem(with params: [String: String]) -> String? { nil }
    public var secretParams: Set<String> { [] }
}

extension DatabaseSession {
    /// The first column of the first row of a statement without parameters.
    public func scalar(_ sql: String) throws -> String? {
        try query(sql, []).first?.first ?? nil
    }
}

/// A driver opens sessions on one kind of database and knows which options its client library takes.
public protocol DatabaseDriver: Sendable {
    /// Options that the `params` of a connection may hold, with a short description each.
    var supportedParams: [String: String] { get }
    /// The options among them that are secrets: sealed in the store like the password, never shown.
    var secretParams: Set<String> { get }
    /// What is wrong with the values of `params`, checked before anything is stored; nil when they are fine.
    func problem(with params: [String: String]) -> String?
    func open(_ config: ConnectionConfig, timeoutSeconds: Int) throws -> any DatabaseSession
}

public enum Drivers {
    public static func driver(for system: DataSystem) -> any DatabaseDriver {
        switch system {
        case .postgresql: PostgresDriver()
        case .mysql, .mariadb: MySQLDriver()
        case .sqlite: SQLiteDriver()
        }
    }

    public static func dialect(for system: DataSystem) -> any Dialect {
        switch system {
        case .postgresql: PostgresDialect()
        case .mysql, .mariadb: MySQLDialect(system: system)
        case .sqlite: SQLiteDialect()
        }
    }

    public static func open(_ config: ConnectionConfig, timeoutSeconds: Int = 10) throws -> any DatabaseSession {
        try driver(for: config.system).open(config, timeoutSeconds: timeoutSeconds)
    }

    /// Opens a session, asks the server for its version and closes it again: the check behind
    /// `connection test`. Throws the server's own message when it cannot connect.
    public static func check(_ config: ConnectionConfig, timeoutSeconds: Int = 5) throws -> String {
        let session = try open(config, timeoutSeconds: timeoutSeconds)
        defer { session.close() }
        return try session.serverVersion()
    }
}
