import Foundation
import GRDBSQLite

/// A SQLite value with its own storage class, as a transfer from SQLite into SQLite carries it: SQLite lets
/// any column hold any class, so no neutral type could say what each value is. A cell is one tag byte, then
/// the integer's or the real's 8 bytes (in memory order) or the text's or the blob's bytes.
enum SQLiteStoredValue {
    private static let integer = UInt8(ascii: "i")
    private static let real = UInt8(ascii: "r")
    private static let text = UInt8(ascii: "t")
    private static let blob = UInt8(ascii: "b")

    @inline(__always)
    static func append(_ statement: OpaquePointer, _ index: Int32, into batch: inout RowBatch) {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_NULL:
            batch.appendNull()
            return
        case SQLITE_INTEGER:
            batch.appendByte(integer)
            withUnsafeBytes(of: sqlite3_column_int64(statement, index)) { batch.appendBytes($0) }
        case SQLITE_FLOAT:
            batch.appendByte(real)
            withUnsafeBytes(of: sqlite3_column_double(statement, index)) { batch.appendBytes($0) }
        case SQLITE_TEXT:
            batch.appendByte(text)
            let start = sqlite3_column_text(statement, index)
            batch.appendBytes(UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, index))))
        default:
            batch.appendByte(blob)
            let start = sqlite3_column_blob(statement, index)
            batch.appendBytes(UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, index))))
        }
        batch.endCell()
    }

    /// Binds a cell with its own storage class; the bytes must stay alive until the statement is stepped.
    @inline(__always)
    static func bind(_ cell: UnsafeBufferPointer<UInt8>, to statement: OpaquePointer, parameter: Int32) throws {
        guard let tag = cell.first, let start = cell.baseAddress else {
            throw DriverError("a SQLite value lost its storage class in transit")
        }
        // Never a null pointer, also for an empty text or blob: SQLite would bind NULL.
        let pointer = UnsafeRawPointer(start + 1)
        let payload = UnsafeRawBufferPointer(start: pointer, count: cell.count - 1)
        switch tag {
        case integer where payload.count == 8:
            sqlite3_bind_int64(statement, parameter, payload.loadUnaligned(as: Int64.self))
        case real where payload.count == 8:
            sqlite3_bind_double(statement, parameter, payload.loadUnaligned(as: Double.self))
        case text:
            let characters = pointer.assumingMemoryBound(to: CChar.self)
            sqlite3_bind_text(statement, parameter, characters, Int32(payload.count), nil)
        case blob:
            sqlite3_bind_blob(statement, parameter, pointer, Int32(payload.count), nil)
        default:
            throw DriverError("a SQLite value lost its storage class in transit")
        }
    }
}
