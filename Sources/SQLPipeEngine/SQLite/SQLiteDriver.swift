import Foundation
import GRDBSQLite

public struct SQLiteDriver: DatabaseDriver {
    public init() {}

    public var supportedParams: [String: String] {
        ["mode": "ro (read only), rw (read and write) or rwc (read, write and create; the default)"]
    }

    public func open(_ config: ConnectionConfig, timeoutSeconds: Int) throws -> any DatabaseSession {
        try SQLiteSession(config: config, timeoutSeconds: timeoutSeconds)
    }
}

/// One libsqlite3 connection. It is the only owner of its `sqlite3` handle.
final class SQLiteSession: DatabaseSession {
    private let handle: OpaquePointer

    init(config: ConnectionConfig, timeoutSeconds: Int) throws {
        var flags: Int32
        switch config.params["mode"]?.lowercased() ?? "rwc" {
        case "ro": flags = SQLITE_OPEN_READONLY
        case "rw": flags = SQLITE_OPEN_READWRITE
        case "rwc": flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        default: throw DriverError("mode must be ro, rw or rwc")
        }
        if let unknown = config.params.keys.first(where: { $0 != "mode" }) {
            throw DriverError("unknown SQLite connection option '\(unknown)'")
        }
        flags |= SQLITE_OPEN_NOMUTEX
        var opened: OpaquePointer?
        let status = sqlite3_open_v2(config.database, &opened, flags, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close_v2(opened)
            throw DriverError("cannot open \(config.database): \(message)", code: String(status))
        }
        sqlite3_busy_timeout(opened, Int32(clamping: timeoutSeconds * 1000))
        handle = opened
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

    func scalar(_ sql: String) throws -> String? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw DriverError(String(cString: sqlite3_errmsg(handle)), code: String(sqlite3_errcode(handle)))
        }
        defer { sqlite3_finalize(statement) }
        switch sqlite3_step(statement) {
        case SQLITE_ROW:
            guard sqlite3_column_type(statement, 0) != SQLITE_NULL, let text = sqlite3_column_text(statement, 0) else {
                return nil
            }
            return String(cString: text)
        case SQLITE_DONE:
            return nil
        default:
            throw DriverError(String(cString: sqlite3_errmsg(handle)), code: String(sqlite3_errcode(handle)))
        }
    }

    func serverVersion() throws -> String {
        "SQLite " + String(cString: sqlite3_libversion())
    }

    func close() {
        sqlite3_close_v2(handle)
    }
}
