import Foundation
import SQLPipeEngine

/// Canonical cells as JSON values and as display text.
public enum QueryValues {
    /// 2^53: integers beyond it lose digits in JSON readers that use doubles.
    static let exactIntegerLimit: Int64 = 1 << 53

    public static func json(_ batch: RowBatch, row: Int, column: Int, type: ColumnType) -> JSONValue {
        if batch.isNull(row: row, column: column) { return .null }
        if type == .bytes {
            return .string(batch.withCell(row: row, column: column) { Data($0).base64EncodedString() })
        }
        let text = batch.string(row: row, column: column) ?? ""
        switch type {
        case .bool:
            return .bool(text == "t")
        case .int16, .int32, .int64, .uint64:
            if let value = Int64(text), value.magnitude <= exactIntegerLimit { return .int(value) }
            return .string(text)
        case .float32, .float64:
            if let value = Double(text), value.isFinite { return .double(value) }
            return .string(text)
        case .timestamptz:
            return .string(text + "Z")
        default:
            return .string(text)
        }
    }

    /// The text a cell shows in CSV, TSV and tables: canonical, with booleans as true/false, bytes as
    /// \x-prefixed hex and instants with a Z. nil is NULL.
    public static func text(_ batch: RowBatch, row: Int, column: Int, type: ColumnType) -> String? {
        if batch.isNull(row: row, column: column) { return nil }
        switch type {
        case .bytes:
            return batch.withCell(row: row, column: column) { "\\x" + $0.map { String(format: "%02x", $0) }.joined() }
        case .bool:
            return batch.withCell(row: row, column: column) { $0.first == UInt8(ascii: "t") ? "true" : "false" }
        case .timestamptz:
            return (batch.string(row: row, column: column) ?? "") + "Z"
        default:
            return batch.string(row: row, column: column)
        }
    }
}
