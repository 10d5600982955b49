import CSQLiteGuard
import Foundation
import GRDBSQLite

public struct SQLiteDriver: DatabaseDriver {
    public init() {}

    /// The one option: how the file is opened.
    static let modeOption = "mode"

    public var supportedParams: [String: String] {
        [Self.modeOption: "ro (read only), rw (read and write) or rwc (read, write and create; the default)"]
    }

    public func problem(with params: [String: String]) -> String? {
        if let mode = params[Self.modeOption], SQLiteOpenMode(rawValue: mode.lowercased()) == nil {
            return SQLiteOpenMode.problem
        }
        return nil
    }

    public func open(_ config: ConnectionConfig, timeoutSeconds: Int) throws -> any DatabaseSession {
        try SQLiteSession(config: config, timeoutSeconds: timeoutSeconds)
    }

    /// Settles what SQLite does process-wide, before anything in the process (the store too) opens a
    /// database: afterwards it is too late, and nothing changes. SQLite's memory statistics, which
    /// nothing here reads, cost a mutex around each of its allocations: 7 % of a SQLite-to-SQLite transfer.
    public static func configureProcess() {
        _ = sqlpipe_sqlite3_skip_memory_statistics()
    }
}

/// Refuses ATTACH of any file (VACUUM INTO attaches its target the same way): a statement may reach only
/// the connection's own database. An empty name (a private temporary database, as plain VACUUM uses) and
/// `:memory:` touch no file and are allowed.
private let sqliteAuthorizer:
    @convention(c) (
        UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
        UnsafePointer<CChar>?
    ) -> Int32 = { _, action, file, _, _, _ in
        guard action == SQLITE_ATTACH else { return SQLITE_OK }
        let name = file.map { String(cString: $0) } ?? ""
        return name.isEmpty || name == ":memory:" ? SQLITE_OK : SQLITE_DENY
    }

/// The values of the `mode` option, as SQLite's own URIs spell them.
enum SQLiteOpenMode: String {
    case ro, rw, rwc

    static let problem = "mode must be ro, rw or rwc"

    var flags: Int32 {
        switch self {
        case .ro: SQLITE_OPEN_READONLY
        case .rw: SQLITE_OPEN_READWRITE
        case .rwc: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
    }
}

/// SQLite's destructor constant that tells it to copy a bound value.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One libsqlite3 connection. It is the only owner of its `sqlite3` handle.
final class SQLiteSession: DatabaseSession {
    let handle: OpaquePointer
    let dialect: any Dialect = SQLiteDialect()
    private let interrupter: SQLiteInterrupter

    init(config: ConnectionConfig, timeoutSeconds: Int) throws {
        guard let mode = SQLiteOpenMode(rawValue: config.params[SQLiteDriver.modeOption]?.lowercased() ?? "rwc") else {
            throw DriverError(SQLiteOpenMode.problem)
        }
        if let unknown = config.params.keys.first(where: { $0 != SQLiteDriver.modeOption }) {
            throw DriverError("unknown SQLite connection option '\(unknown)'")
        }
        let flags = mode.flags | SQLITE_OPEN_NOMUTEX
        var opened: OpaquePointer?
        let status = sqlite3_open_v2(config.database, &opened, flags, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close_v2(opened)
            throw DriverError("cannot open \(config.database): \(message)", code: String(status))
        }
        sqlite3_busy_timeout(opened, Int32(clamping: max(timeoutSeconds, 30) * 1000))
        // A user's statements run here, and may come from anyone the API lets in: they may not reach any
        // file but this one (ATTACH, VACUUM INTO), load code, or let the file's own schema run functions.
        guard sqlpipe_sqlite3_harden(opened) == SQLITE_OK,
            sqlite3_set_authorizer(opened, sqliteAuthorizer, nil) == SQLITE_OK
        else {
            sqlite3_close_v2(opened)
            throw DriverError(
                "cannot open \(config.database): this SQLite library cannot be made safe for user statements")
        }
        handle = opened
        interrupter = SQLiteInterrupter(handle: opened)
        // Opening is lazy: reading the schema is what tells a database from any other file.
        do {
            try execute("SELECT count(*) FROM sqlite_master")
        } catch let error as DriverError {
            close()
            throw DriverError("cannot open \(config.database): \(error.message)", code: error.code)
        }
    }

    func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if status != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw DriverError(message, code: String(status))
        }
    }

    func query(_ sql: String, _ parameters: [String?]) throws -> [[String?]] {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        for (index, parameter) in parameters.enumerated() {
            if let parameter {
                sqlite3_bind_text(statement, Int32(index + 1), parameter, -1, sqliteTransient)
            } else {
                sqlite3_bind_null(statement, Int32(index + 1))
            }
        }
        var rows: [[String?]] = []
        let columns = sqlite3_column_count(statement)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw lastError() }
            rows.append(
                (0..<columns).map { column in
                    sqlite3_column_type(statement, column) == SQLITE_NULL
                        ? nil : sqlite3_column_text(statement, column).map { String(cString: $0) }
                })
        }
        return rows
    }

    func prepare(_ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw lastError()
        }
        return statement
    }

    func lastError() -> DriverError {
        DriverError(String(cString: sqlite3_errmsg(handle)), code: String(sqlite3_extended_errcode(handle)))
    }

    func serverVersion() throws -> String {
        "SQLite " + String(cString: sqlite3_libversion())
    }

    func openReader(_ query: String) throws -> any RowReader {
        try SQLiteReader(session: self, query: query)
    }

    func tableColumns(_ table: TableName) throws -> [TableColumn]? {
        let rows = try query(
            "SELECT name, type FROM pragma_table_info(?, ?) ORDER BY cid",
            [table.name, table.schema.isEmpty ? "main" : table.schema])
        return rows.isEmpty ? nil : rows.map { TableColumn(name: $0[0] ?? "", typeName: $0[1] ?? "") }
    }

    func bulkWriter(into table: TableName, columns: [ColumnDescription]) throws -> any RowWriter {
        try SQLiteWriter(session: self, table: table, columns: columns)
    }

    func canceller() -> any QueryCanceller { interrupter }

    func close() {
        interrupter.detach()
        sqlite3_close_v2(handle)
    }
}

/// sqlite3_interrupt may be called from any thread while the connection is open, and never after.
final class SQLiteInterrupter: QueryCanceller, @unchecked Sendable {
    private let lock = NSLock()
    private var handle: OpaquePointer?

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    func cancel() {
        lock.withLock { handle.map { sqlite3_interrupt($0) } }
    }

    func detach() {
        lock.withLock { handle = nil }
    }
}
