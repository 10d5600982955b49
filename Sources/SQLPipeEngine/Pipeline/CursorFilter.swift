import Foundation

/// An incremental run's high-water mark: the largest `column` value the target holds, in canonical text,
/// typed as the target has it. `inclusive` reads the rows at the mark again (a keyed run upserts them).
struct CursorMark {
    var column: String
    var text: String
    var type: ColumnType
    var inclusive: Bool
}

/// Passes on only the rows past the mark, for a source that cannot filter them itself (a file). A row with
/// a NULL cursor is skipped, as a database source's WHERE skips it, and counted in a warning.
final class CursorFilter: RowReader {
    private let reader: any RowReader
    private let mark: CursorMark
    private let column: Int
    private let markBytes: [UInt8]
    private var pending: RowBatch
    private var skippedNulls = 0

    init(_ reader: any RowReader, mark: CursorMark) throws {
        guard let column = reader.columns.firstIndex(where: { $0.name == mark.column }) else {
            throw DriverError(
                "the file has no column \"\(mark.column)\" to be the cursor column (its columns: \(TargetPlan.list(reader.columns.map(\.name))))"
            )
        }
        self.reader = reader
        self.mark = mark
        self.column = column
        markBytes = Array(CursorOrder.normalized(mark.text, type: mark.type).utf8)
        pending = RowBatch(columnCount: reader.batchColumnCount)
    }

    var columns: [ColumnDescription] { reader.columns }
    var batchColumnCount: Int { reader.batchColumnCount }

    var warnings: [String] {
        var warnings = reader.warnings
        if skippedNulls > 0 {
            warnings.append(
                "\(skippedNulls) source \(skippedNulls == 1 ? "row has" : "rows have") a NULL in the cursor column \"\(mark.column)\" and \(skippedNulls == 1 ? "was" : "were") skipped: only a full load reads them"
            )
        }
        return warnings
    }

    func read(into batch: inout RowBatch) throws -> Bool {
        while true {
            pending.removeAll()
            let more = try reader.read(into: &pending)
            let columnCount = pending.columnCount
            for row in 0..<pending.rowCount {
                if pending.isNull(row: row, column: column) {
                    skippedNulls += 1
                    continue
                }
                let order = pending.withCell(row: row, column: column) { cell in
                    markBytes.withUnsafeBufferPointer { CursorOrder.compare(cell, $0, type: mark.type) }
                }
                guard order > 0 || (order == 0 && mark.inclusive) else { continue }
                pending.bytes.withUnsafeBytes { all in
                    for cell in 0..<columnCount {
                        let index = row * columnCount + cell
                        if pending.isNull(index) {
                            batch.appendNull()
                        } else {
                            batch.append(UnsafeRawBufferPointer(rebasing: all[pending.cellRange(index)]))
                        }
                    }
                }
            }
            if !batch.isEmpty || !more { return more }
        }
    }

    func close() { reader.close() }
}

/// The order of canonical cells of one type, as the databases order the values: numbers by value, times
/// by their text (fixed-width fields, fractions without trailing zeros), everything else byte by byte.
enum CursorOrder {
    static func normalized(_ text: String, type: ColumnType) -> String {
        switch type {
        case .time, .timestamp, .timestamptz:
            guard text.contains(".") else { return text }
            var trimmed = Substring(text)
            while trimmed.last == "0" { trimmed = trimmed.dropLast() }
            if trimmed.last == "." { trimmed = trimmed.dropLast() }
            return String(trimmed)
        default:
            return text
        }
    }

    /// Negative, zero or positive as `cell` comes before, with or after `mark`.
    static func compare(_ cell: UnsafeBufferPointer<UInt8>, _ mark: UnsafeBufferPointer<UInt8>, type: ColumnType) -> Int
    {
        switch type {
        case .int16, .int32, .int64, .uint64, .decimal:
            if let order = compareDecimal(cell, mark) { return order }
            return compareDouble(cell, mark)
        case .float32, .float64:
            return compareDouble(cell, mark)
        case .time, .timestamp, .timestamptz:
            let text = normalized(String(decoding: cell, as: UTF8.self), type: type)
            return Array(text.utf8).withUnsafeBufferPointer { compareBytes($0, mark) }
        default:
            return compareBytes(cell, mark)
        }
    }

    private static func compareBytes(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Int {
        let count = min(first.count, second.count)
        for index in 0..<count where first[index] != second[index] {
            return first[index] < second[index] ? -1 : 1
        }
        return first.count == second.count ? 0 : (first.count < second.count ? -1 : 1)
    }

    private static func compareDouble(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Int
    {
        let a = Canonical.double(first) ?? -.infinity
        let b = Canonical.double(second) ?? -.infinity
        return a < b ? -1 : (a > b ? 1 : 0)
    }

    /// Plain decimal notation compared exactly, whatever its length; nil for anything else (an exponent).
    static func compareDecimal(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let a = DecimalParts(first), let b = DecimalParts(second) else { return nil }
        if a.isZero && b.isZero { return 0 }
        if a.negative != b.negative { return a.negative ? -1 : 1 }
        let magnitude = a.compareMagnitude(b)
        return a.negative ? -magnitude : magnitude
    }

    private struct DecimalParts {
        var negative: Bool
        var integer: ArraySlice<UInt8>
        var fraction: ArraySlice<UInt8>

        init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            var digits = Array(bytes)
            negative = digits.first == UInt8(ascii: "-")
            if negative || digits.first == UInt8(ascii: "+") { digits.removeFirst() }
            guard !digits.isEmpty else { return nil }
            let point = digits.firstIndex(of: UInt8(ascii: "."))
            var integer = digits[..<(point ?? digits.endIndex)]
            var fraction = point.map { digits[($0 + 1)...] } ?? []
            guard (integer + fraction).allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                return nil
            }
            while integer.first == UInt8(ascii: "0") { integer = integer.dropFirst() }
            while fraction.last == UInt8(ascii: "0") { fraction = fraction.dropLast() }
            self.integer = integer
            self.fraction = fraction
        }

        var isZero: Bool { integer.isEmpty && fraction.isEmpty }

        func compareMagnitude(_ other: DecimalParts) -> Int {
            if integer.count != other.integer.count { return integer.count < other.integer.count ? -1 : 1 }
            for (a, b) in zip(integer, other.integer) where a != b { return a < b ? -1 : 1 }
            for (a, b) in zip(fraction, other.fraction) where a != b { return a < b ? -1 : 1 }
            return fraction.count == other.fraction.count ? 0 : (fraction.count < other.fraction.count ? -1 : 1)
        }
    }
}
