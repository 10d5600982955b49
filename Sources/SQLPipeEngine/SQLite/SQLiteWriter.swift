import Foundation
import GRDBSQLite

/// Writes rows with one prepared INSERT, stepped once a row, inside the transaction the transfer opened.
final class SQLiteWriter: RowWriter {
    private enum CellKind { case bool, integer, float, float32, text, dateTime, blob, timestamptz }

    private let session: SQLiteSession
    private let statement: OpaquePointer
    private let columns: [ColumnDescription]
    private let kinds: [CellKind]
    /// Whether cells carry SQLite values with their storage classes (`SQLiteStoredValue`).
    private let keepsStorageClasses: Bool

    init(
        session: SQLiteSession, table: TableName, columns: [ColumnDescription], keepingStorageClasses: Bool = false
    ) throws {
        self.session = session
        self.columns = columns
        keepsStorageClasses = keepingStorageClasses
        let dialect = session.dialect
        let names = columns.map { dialect.quote($0.name) }.joined(separator: ", ")
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        statement = try session.prepare("INSERT INTO \(dialect.qualified(table)) (\(names)) VALUES (\(placeholders))")
        kinds = columns.map { column in
            switch column.type {
            case .bool: .bool
            case .int16, .int32, .int64: .integer
            case .float32: .float32
            case .float64: .float
            case .bytes: .blob
            case .timestamptz: .timestamptz
            // Decimals and unsigned 64-bit integers stay text: SQLite's numbers would round them.
            case .uint64, .decimal, .string, .text, .json, .uuid, .time: .text
            case .date, .timestamp: .dateTime
            }
        }
    }

    deinit { sqlite3_finalize(statement) }

    func write(from next: () throws -> RowBatch?) throws -> Int {
        var written = 0
        while let batch = try next() {
            try batch.bytes.withUnsafeBufferPointer { all in
                var cell = 0
                for _ in 0..<batch.rowCount {
                    written += 1
                    for column in 0..<kinds.count {
                        defer { cell += 1 }
                        let parameter = Int32(column + 1)
                        if batch.isNull(cell) {
                            sqlite3_bind_null(statement, parameter)
                            continue
                        }
                        let value = UnsafeBufferPointer(rebasing: all[batch.cellRange(cell)])
                        if keepsStorageClasses {
                            try SQLiteStoredValue.bind(value, to: statement, parameter: parameter)
                            continue
                        }
                        try bind(value, kind: kinds[column], parameter: parameter, column: column, row: written)
                    }
                    let status = sqlite3_step(statement)
                    sqlite3_reset(statement)
                    guard status == SQLITE_DONE else {
                        let error = session.lastError()
                        throw DriverError("row \(written): \(error.message)", code: error.code)
                    }
                }
            }
        }
        sqlite3_clear_bindings(statement)
        return written
    }

    @inline(__always)
    private func bind(_ value: UnsafeBufferPointer<UInt8>, kind: CellKind, parameter: Int32, column: Int, row: Int)
        throws
    {
        let pointer = UnsafeRawPointer(value.baseAddress) ?? UnsafeRawPointer(bitPattern: 1)!
        switch kind {
        case .bool:
            sqlite3_bind_int64(statement, parameter, value.first == UInt8(ascii: "t") ? 1 : 0)
        case .integer:
            guard let number = Canonical.integer(value) else {
                throw valueError(column, row, "'\(String(decoding: value, as: UTF8.self))' is not a 64-bit integer")
            }
            sqlite3_bind_int64(statement, parameter, number)
        case .float, .float32:
            // A float4 is stored as the double it is exactly, not as the double nearest its shortest text.
            let number = kind == .float32 ? Canonical.float(value).map(Double.init) : Canonical.double(value)
            guard let number else {
                throw valueError(column, row, "'\(String(decoding: value, as: UTF8.self))' is not a number")
            }
            // SQLite stores NaN as NULL: it has no NaN to keep.
            if number.isNaN { throw valueError(column, row, "NaN cannot be stored: SQLite turns it into NULL") }
            if number == 0 && number.sign == .minus {
                throw valueError(column, row, "-0 cannot be stored: SQLite turns negative zero into 0")
            }
            sqlite3_bind_double(statement, parameter, number)
        case .text:
            sqlite3_bind_text(
                statement, parameter, pointer.assumingMemoryBound(to: CChar.self), Int32(value.count), nil)
        case .dateTime:
            try checkDateTime(value, column: column, row: row)
            let characters = pointer.assumingMemoryBound(to: CChar.self)
            sqlite3_bind_text(statement, parameter, characters, Int32(value.count), nil)
        case .blob:
            sqlite3_bind_blob(statement, parameter, pointer, Int32(value.count), nil)
        case .timestamptz:
            try checkDateTime(value, column: column, row: row)
            // `infinity` is no instant in a zone: it is kept as its own text.
            let suffix = DateTimeShape.isInfinity(value) ? "" : "+00:00"
            let text = String(decoding: value, as: UTF8.self) + suffix
            sqlite3_bind_text(statement, parameter, text, -1, sqliteTransient)
        }
    }

    /// SQLite's date and time functions know the years 0000 to 9999 only: PostgreSQL's dates before
    /// Christ would be text they misread. `infinity` is kept as its text.
    private func checkDateTime(_ value: UnsafeBufferPointer<UInt8>, column: Int, row: Int) throws {
        guard DateTimeShape.special(value) == .beforeChrist else { return }
        let text = String(decoding: value, as: UTF8.self)
        throw valueError(column, row, "\(text) cannot be stored: SQLite's date functions have no years before Christ")
    }

    private func valueError(_ column: Int, _ row: Int, _ message: String) -> DriverError {
        DriverError("column \"\(columns[column].name)\", row \(row): \(message)")
    }
}
