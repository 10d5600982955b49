import Foundation
import GRDBSQLite

/// Reads a query step by step. Column types come from the declared types of the columns it selects; for
/// expressions, which have none, from the values of the first rows.
final class SQLiteReader: RowReader {
    let columns: [ColumnDescription]
    let warnings: [String]
    private let session: SQLiteSession
    private var statement: OpaquePointer?
    /// Whether the statement stands on a row that was stepped to (while sampling) but not read yet.
    private var onUnreadRow = false
    private var rowNumber = 0
    private var finished = false

    /// The source type of a column with no declared type: an expression, or a table column declared without one.
    static let undeclared = "expression"

    /// Whether the reader finalizes its statement when done (a statement of a longer text is its caller's).
    private let ownsStatement: Bool
    /// Whether cells carry each value with its storage class (`SQLiteStoredValue`), for a SQLite target.
    private let keepsStorageClasses: Bool

    convenience init(session: SQLiteSession, query: String, keepingStorageClasses: Bool = false) throws {
        try self.init(
            session: session, statement: try session.prepare(query), ownsStatement: true,
            keepingStorageClasses: keepingStorageClasses)
    }

    init(
        session: SQLiteSession, statement: OpaquePointer, ownsStatement: Bool, keepingStorageClasses: Bool = false
    ) throws {
        self.session = session
        self.ownsStatement = ownsStatement
        keepsStorageClasses = keepingStorageClasses
        self.statement = statement
        let count = Int(sqlite3_column_count(statement))
        guard count > 0 else {
            if ownsStatement { sqlite3_finalize(statement) }
            self.statement = nil
            throw DriverError("the query returns no rows to transfer (is it a SELECT?)")
        }
        var columns: [ColumnDescription] = []
        var undeclared: [Int] = []
        for index in 0..<count {
            let name = String(cString: sqlite3_column_name(statement, Int32(index)))
            if let declared = sqlite3_column_decltype(statement, Int32(index)).map({ String(cString: $0) }),
                !declared.isEmpty
            {
                columns.append(
                    ColumnDescription(
                        name: name, type: SQLiteDialect.neutralType(declared: declared), sourceType: declared))
            } else {
                columns.append(ColumnDescription(name: name, type: .text, sourceType: Self.undeclared))
                undeclared.append(index)
            }
        }
        if !undeclared.isEmpty {
            // Sampling needs the first row stepped to; it is read afterwards like any other.
            let inferred = try Self.inferTypes(statement: statement, columns: undeclared, session: session)
            onUnreadRow = inferred.onRow
            finished = !inferred.onRow
            for (index, type) in zip(undeclared, inferred.types) {
                columns[index].type = type
            }
        }
        self.columns = columns
        self.warnings = []
    }

    /// Infers the types of expression columns from the storage classes of the first row (SQLite
    /// evaluates one expression to one class in practice): integer, real, text, blob; NULL means text.
    private static func inferTypes(
        statement: OpaquePointer, columns: [Int], session: SQLiteSession
    ) throws -> (types: [ColumnType], onRow: Bool) {
        let status = sqlite3_step(statement)
        if status == SQLITE_DONE { return (columns.map { _ in .text }, false) }
        guard status == SQLITE_ROW else { throw session.lastError() }
        let types: [ColumnType] = columns.map { column in
            switch sqlite3_column_type(statement, Int32(column)) {
            case SQLITE_INTEGER: .int64
            case SQLITE_FLOAT: .float64
            case SQLITE_BLOB: .bytes
            default: .text
            }
        }
        return (types, true)
    }

    func read(into batch: inout RowBatch) throws -> Bool {
        guard let statement, !finished || onUnreadRow else { return false }
        while !batch.isFull {
            if onUnreadRow {
                onUnreadRow = false
            } else {
                let status = sqlite3_step(statement)
                if status == SQLITE_DONE {
                    finished = true
                    return !batch.isEmpty
                }
                guard status == SQLITE_ROW else {
                    finished = true
                    throw session.lastError()
                }
            }
            rowNumber += 1
            if keepsStorageClasses {
                for column in 0..<columns.count { SQLiteStoredValue.append(statement, Int32(column), into: &batch) }
                if finished { return true }
                continue
            }
            for column in 0..<columns.count {
                do {
                    try append(column: column, of: statement, into: &batch)
                } catch {
                    batch.dropPartialRow()
                    throw error
                }
            }
            if finished { return true }
        }
        return true
    }

    private func append(column: Int, of statement: OpaquePointer, into batch: inout RowBatch) throws {
        let index = Int32(column)
        let storage = sqlite3_column_type(statement, index)
        if storage == SQLITE_NULL {
            batch.appendNull()
            return
        }
        let type = columns[column].type
        switch (type, storage) {
        case (.bool, SQLITE_INTEGER):
            let value = sqlite3_column_int64(statement, index)
            guard value == 0 || value == 1 else { throw valueError(column, "\(value) is not a boolean (0 or 1)") }
            batch.append(CollectionOfOne(value == 1 ? UInt8(ascii: "t") : UInt8(ascii: "f")))
        case (.int16, SQLITE_INTEGER), (.int32, SQLITE_INTEGER), (.int64, SQLITE_INTEGER):
            Canonical.appendInteger(sqlite3_column_int64(statement, index), to: &batch)
        case (.uint64, SQLITE_INTEGER):
            let value = sqlite3_column_int64(statement, index)
            guard value >= 0 else { throw mismatch(column, "\(value) is not an unsigned integer") }
            Canonical.appendInteger(value, to: &batch)
        case (.uint64, SQLITE_FLOAT), (.uint64, SQLITE_BLOB):
            // SQLite turns an integer above 2^63 into a REAL: it is no longer exact.
            throw mismatch(column, "'\(text(statement, index))' is not an unsigned integer")
        case (.float32, SQLITE_INTEGER), (.float64, SQLITE_INTEGER):
            // Only a column without a declared type mixes them; the float must be this very integer.
            let value = sqlite3_column_int64(statement, index)
            let exact =
                type == .float32
                ? Int64(exactly: Float(value)) == value : Int64(exactly: Double(value)) == value
            guard exact else { throw mismatch(column, "\(value) is an integer with no exact \(type) value") }
            Canonical.appendInteger(value, to: &batch)
        case (.float32, SQLITE_FLOAT):
            // SQLite's REAL is a double: a FLOAT column may hold one that no float4 is.
            let value = sqlite3_column_double(statement, index)
            let narrowed = Float(value)
            guard Double(narrowed) == value || value.isNaN else {
                let (name, declared) = (columns[column].name, columns[column].sourceType)
                throw valueError(
                    column,
                    "\(Canonical.text(of: value)) is not a float4 value: SQLite keeps a \(declared) as a double; "
                        + "select CAST(\"\(name)\" AS REAL) to move it as one")
            }
            batch.append(Canonical.text(of: narrowed))
        case (.float64, SQLITE_FLOAT):
            batch.append(Canonical.text(of: sqlite3_column_double(statement, index)))
        case (.float32, _), (.float64, _):
            throw mismatch(column, "'\(text(statement, index))' is not a number")
        case (.decimal, SQLITE_BLOB):
            throw mismatch(column, "a BLOB is not a number")
        case (.decimal(let precision, let scale), SQLITE_FLOAT):
            // SQLite does not enforce DECIMAL(p,s): a value that does not fit would be rounded by the target.
            var text = Canonical.text(of: sqlite3_column_double(statement, index))
            let fits = text.withUTF8 { bytes in
                precision.map { DecimalText.fits(bytes, precision: $0, scale: scale ?? 0) } ?? true
            }
            guard fits else {
                throw valueError(column, "'\(text)' does not fit the declared \(columns[column].sourceType)")
            }
            batch.append(text.utf8)
        case (.decimal(let precision, let scale), _):
            let bytes = UnsafeBufferPointer(
                start: sqlite3_column_text(statement, index), count: Int(sqlite3_column_bytes(statement, index)))
            if let precision, !DecimalText.fits(bytes, precision: precision, scale: scale ?? 0) {
                throw valueError(
                    column,
                    "'\(String(decoding: bytes, as: UTF8.self))' does not fit the declared \(columns[column].sourceType)"
                )
            }
            batch.append(UnsafeRawBufferPointer(bytes))
        case (.int16, _), (.int32, _), (.int64, _), (.bool, _):
            // An integer column holding text or a real: SQLite allows it, no exact integer exists.
            throw mismatch(column, "'\(text(statement, index))' is not an integer")
        case (.bytes, SQLITE_INTEGER), (.bytes, SQLITE_FLOAT):
            throw mismatch(column, "\(text(statement, index)) is a number, not bytes")
        case (.string, SQLITE_FLOAT), (.text, SQLITE_FLOAT), (.json, SQLITE_FLOAT), (.uuid, SQLITE_FLOAT):
            // SQLite's own text of a REAL keeps 15 digits only.
            batch.append(Canonical.text(of: sqlite3_column_double(statement, index)))
        case (.bytes, _), (.string, SQLITE_BLOB), (.text, SQLITE_BLOB):
            let count = Int(sqlite3_column_bytes(statement, index))
            batch.append(UnsafeRawBufferPointer(start: sqlite3_column_blob(statement, index), count: count))
        case (.date, SQLITE_TEXT), (.time, SQLITE_TEXT), (.timestamp, SQLITE_TEXT):
            try appendDateTime(statement, index, column: column, into: &batch)
        case (.timestamptz, SQLITE_TEXT):
            try appendDateTime(statement, index, column: column, into: &batch)
        case (.date, _), (.time, _), (.timestamp, _), (.timestamptz, _):
            throw valueError(column, "'\(text(statement, index))' is not a date or time in text form")
        default:
            // Text, and numbers in text-like columns: SQLite's own text form of the value.
            let bytes = sqlite3_column_text(statement, index)
            let count = Int(sqlite3_column_bytes(statement, index))
            batch.append(UnsafeRawBufferPointer(start: bytes, count: count))
        }
    }

    /// Dates and times as SQLite's functions write them, with a `T` or a space, and for instants a `Z` or
    /// an offset, which is applied to give UTC.
    private func appendDateTime(_ statement: OpaquePointer, _ index: Int32, column: Int, into batch: inout RowBatch)
        throws
    {
        // Most values are already in the canonical shape: checked on the bytes, copied as they are.
        let count = Int(sqlite3_column_bytes(statement, index))
        if let start = sqlite3_column_text(statement, index) {
            let bytes = UnsafeBufferPointer(start: start, count: count)
            if DateTimeShape.isValid(bytes, as: columns[column].type) {
                batch.append(UnsafeRawBufferPointer(bytes))
                return
            }
            if DateTimeText.appendUTC(bytes, as: columns[column].type, into: &batch) { return }
        }
        var value = text(statement, index)
        if let separator = value.firstIndex(of: "T") { value.replaceSubrange(separator...separator, with: " ") }
        if let normalized = DateTimeText.utc(value), DateTimeShape.isValid(normalized, as: columns[column].type) {
            batch.append(normalized)
        } else {
            throw valueError(column, "'\(value)' is not a date or time SQLite's functions understand")
        }
    }

    private func text(_ statement: OpaquePointer, _ index: Int32) -> String {
        sqlite3_column_text(statement, index).map { String(cString: $0) } ?? ""
    }

    /// A value SQLite holds in a column whose type cannot: SQLite lets any column hold any value.
    private func mismatch(_ column: Int, _ message: String) -> DriverError {
        let declared = columns[column].sourceType
        guard declared == Self.undeclared else { return valueError(column, "\(message) (in a \(declared) column)") }
        return valueError(
            column,
            "\(message), unlike the column's first value (\(columns[column].type)): a SQLite column without a declared "
                + "type may mix types, a column of the target cannot; select CAST(… AS TEXT) to move them as text")
    }

    private func valueError(_ column: Int, _ message: String) -> DriverError {
        DriverError("column \"\(columns[column].name)\", row \(rowNumber): \(message)")
    }

    func close() {
        if let statement {
            if ownsStatement { sqlite3_finalize(statement) }
            self.statement = nil
        }
        finished = true
    }

    deinit { close() }
}

/// Date and time text: offsets applied so that the result is UTC with no suffix.
enum DateTimeText {
    /// The common forms of UTC that are not yet canonical, rewritten on their bytes: a `T` between date
    /// and time, and a `Z`, `+00`, `+0000` or `±00:00` suffix. False (nothing appended) for any other
    /// text, which `utc` then reads.
    static func appendUTC(_ bytes: UnsafeBufferPointer<UInt8>, as type: ColumnType, into batch: inout RowBatch)
        -> Bool
    {
        guard bytes.count > 11, bytes.count <= 48, type == .timestamp || type == .timestamptz else { return false }
        var end = bytes.count
        if bytes[end - 1] == UInt8(ascii: "Z") || bytes[end - 1] == UInt8(ascii: "z") {
            end -= 1
        } else {
            for suffix in zeroOffsets where end > suffix.count + 10 {
                let start = end - suffix.count
                if bytes[start] == UInt8(ascii: "+") || bytes[start] == UInt8(ascii: "-"),
                    bytes[(start + 1)..<end].elementsEqual(suffix.dropFirst())
                {
                    end = start
                    break
                }
            }
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end) { scratch in
            _ = scratch.initialize(from: bytes[0..<end])
            if scratch[10] == UInt8(ascii: "T") || scratch[10] == UInt8(ascii: "t") { scratch[10] = 32 }
            let text = UnsafeBufferPointer(scratch)
            guard end < bytes.count || scratch[10] != bytes[10], DateTimeShape.isValid(text, as: type) else {
                return false
            }
            batch.append(UnsafeRawBufferPointer(text))
            return true
        }
    }

    /// Longest first, so that `+00:00` is not read as `+00` followed by `:00`.
    private static let zeroOffsets: [[UInt8]] = ["+00:00", "+0000", "+00"].map { Array($0.utf8) }

    /// `YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][Z|±HH[:MM]]` → the canonical form in UTC, or nil when malformed.
    static func utc(_ text: String) -> String? {
        var body = Substring(text)
        var offsetMinutes = 0
        if body.hasSuffix("Z") || body.hasSuffix("z") {
            body = body.dropLast()
        } else if body.count > 10, let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }),
            body.distance(from: body.startIndex, to: sign) >= 10
        {
            let zone = body[body.index(after: sign)...]
            let parts = zone.split(separator: ":")
            guard let hours = Int(parts.first.map { $0.count > 2 ? $0.prefix(2) : $0 } ?? ""),
                let minutes = Int(
                    parts.count > 1 ? parts[1] : (parts.first.map { $0.count > 2 ? $0.dropFirst(2) : "0" } ?? "0"))
            else { return nil }
            offsetMinutes = (hours * 60 + minutes) * (body[sign] == "-" ? -1 : 1)
            body = body[..<sign]
        }
        let trimmed = body.trimmingCharacters(in: .whitespaces)
        guard offsetMinutes != 0 else { return trimmed }
        return shift(trimmed, byMinutes: -offsetMinutes)
    }

    /// Moves `YYYY-MM-DD HH:MM[:SS[.f]]` by whole minutes, across days, months and years.
    static func shift(_ text: String, byMinutes delta: Int) -> String? {
        let parts = text.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-")
        let time = parts[1].split(separator: ":", maxSplits: 2)
        guard date.count == 3, time.count >= 2, let year = Int(date[0]), let month = Int(date[1]),
            let day = Int(date[2]),
            let hour = Int(time[0]), let minute = Int(time[1])
        else { return nil }
        let seconds = time.count > 2 ? ":" + time[2] : ""
        var total = CivilDate.days(year: year, month: month, day: day) * 1440 + hour * 60 + minute + delta
        let days = Int((Double(total) / 1440).rounded(.down))
        total -= days * 1440
        let (y, m, d) = CivilDate.date(fromDays: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(y).count)) + String(y)
        return "\(yearText)-\(two(m))-\(two(d)) \(two(total / 60)):\(two(total % 60))\(seconds)"
    }
}
