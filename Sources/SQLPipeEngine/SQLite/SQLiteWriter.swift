import Foundation
import GRDBSQLite

/// Writes rows with prepared INSERTs inside the transaction the transfer opened: one of many rows for
/// most of a batch (a statement's start and end cost SQLite about as much as a row), one of a single row
/// for the rest, and for the rows of a many-row statement that failed, so that the error names its row.
final class SQLiteWriter: RowWriter {
    private enum CellKind { case bool, integer, float, float32, text, dateTime, blob, timestamptz }

    private let session: SQLiteSession
    private let statement: OpaquePointer
    /// `INSERT … VALUES (…), (…), …` of `rowsPerStatement` rows, when more than one fits SQLite's limit
    /// on parameters.
    private let manyRows: OpaquePointer?
    private let rowsPerStatement: Int
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
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let insert = "INSERT INTO \(dialect.qualified(table)) (\(names)) VALUES "
        statement = try session.prepare(insert + row)
        let parameterLimit = Int(sqlite3_limit(session.handle, SQLITE_LIMIT_VARIABLE_NUMBER, -1))
        rowsPerStatement = max(1, min(Self.rowsPerStatement, parameterLimit / max(1, columns.count)))
        do {
            manyRows =
                rowsPerStatement > 1
                ? try session.prepare(insert + Array(repeating: row, count: rowsPerStatement).joined(separator: ", "))
                : nil
        } catch {
            sqlite3_finalize(statement)
            throw error
        }
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

    /// Rows in each many-row INSERT: past a few dozen the gain is gone, and the statement only grows.
    static let rowsPerStatement = 32

    deinit {
        sqlite3_finalize(statement)
        if let manyRows { sqlite3_finalize(manyRows) }
    }

    func write(from next: () throws -> RowBatch?) throws -> Int {
        var written = 0
        while let batch = try next() {
            try batch.bytes.withUnsafeBufferPointer { all in
                var row = 0
                while row < batch.rowCount {
                    if let manyRows, batch.rowCount - row >= rowsPerStatement,
                        try insert(rows: row..<(row + rowsPerStatement), of: batch, all, with: manyRows, after: written)
                    {
                        row += rowsPerStatement
                        written += rowsPerStatement
                        continue
                    }
                    // One row; or, after a many-row statement failed (and SQLite undid all of it), each of its
                    // rows in turn, up to the one that fails on its own.
                    let end =
                        manyRows != nil && batch.rowCount - row >= rowsPerStatement ? row + rowsPerStatement : row + 1
                    for single in row..<end {
                        guard try insert(rows: single..<(single + 1), of: batch, all, with: statement, after: written)
                        else {
                            let error = session.lastError()
                            throw DriverError("row \(written + 1): \(error.message)", code: error.code)
                        }
                        written += 1
                    }
                    row = end
                }
            }
        }
        sqlite3_clear_bindings(statement)
        if let manyRows { sqlite3_clear_bindings(manyRows) }
        return written
    }

    /// Binds `rows` of `batch` to `insert` and steps it: false when SQLite refused them, with the
    /// transaction still open (else the refusal is thrown as it is: nothing is left to retry in).
    private func insert(
        rows: Range<Int>, of batch: RowBatch, _ all: UnsafeBufferPointer<UInt8>, with insert: OpaquePointer,
        after written: Int
    ) throws -> Bool {
        var parameter: Int32 = 1
        for row in rows {
            var cell = row * kinds.count
            for column in 0..<kinds.count {
                defer {
                    cell += 1
                    parameter += 1
                }
                if batch.isNull(cell) {
                    sqlite3_bind_null(insert, parameter)
                    continue
                }
                let value = UnsafeBufferPointer(rebasing: all[batch.cellRange(cell)])
                if keepsStorageClasses {
                    try SQLiteStoredValue.bind(value, to: insert, parameter: parameter)
                    continue
                }
                try bind(
                    value, kind: kinds[column], to: insert, parameter: parameter, column: column,
                    row: written + 1 + row - rows.lowerBound)
            }
        }
        let status = sqlite3_step(insert)
        sqlite3_reset(insert)
        if status == SQLITE_DONE { return true }
        guard sqlite3_get_autocommit(session.handle) == 0 else {
            let error = session.lastError()
            let first = written + 1
            let span = rows.count == 1 ? "row \(first)" : "rows \(first)–\(first + rows.count - 1)"
            throw DriverError("\(span): \(error.message)", code: error.code)
        }
        return false
    }

    @inline(__always)
    private func bind(
        _ value: UnsafeBufferPointer<UInt8>, kind: CellKind, to statement: OpaquePointer, parameter: Int32,
        column: Int, row: Int
    ) throws {
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
            guard !DateTimeShape.isInfinity(value) else {
                sqlite3_bind_text(
                    statement, parameter, pointer.assumingMemoryBound(to: CChar.self), Int32(value.count), nil)
                return
            }
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: value.count + 6) { text in
                for index in 0..<value.count { text[index] = CChar(bitPattern: value[index]) }
                for (index, byte) in "+00:00".utf8.enumerated() { text[value.count + index] = CChar(bitPattern: byte) }
                sqlite3_bind_text(statement, parameter, text.baseAddress, Int32(text.count), sqliteTransient)
            }
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
