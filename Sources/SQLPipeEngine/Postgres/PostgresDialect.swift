/// PostgreSQL's quoting, type names and table swap.
public struct PostgresDialect: Dialect {
    public init() {}
    public var system: DataSystem { .postgresql }
    public var maximumIdentifierBytes: Int { 63 }
    public var transactionalDDL: Bool { true }

    public func quote(_ identifier: String) -> String { quoteIdentifier(identifier, with: "\"") }

    /// Only for types with a B-tree order: a column of another type passed through from a PostgreSQL
    /// source (json, point, a type of an extension) may have none.
    public func cursorIndexStatements(_ table: TableName, column: ColumnDescription) -> [String] {
        switch column.type {
        case .int16, .int32, .int64, .float32, .float64, .decimal, .date, .time, .timestamp, .timestamptz, .uuid:
            break
        case .string, .text:
            guard column.sourceType == "text" || column.sourceType.hasPrefix("character") else { return [] }
        case .bool, .uint64, .bytes, .json:
            return []
        }
        return ["CREATE INDEX ON \(qualified(table)) (\(quote(column.name)))"]
    }

    public func columnType(for type: ColumnType) -> String {
        switch type {
        case .bool: "boolean"
        case .int16: "smallint"
        case .int32: "integer"
        case .int64: "bigint"
        case .uint64: "numeric(20,0)"
        case .float32: "real"
        case .float64: "double precision"
        case .decimal(let precision?, let scale) where precision <= 1000: "numeric(\(precision),\(scale ?? 0))"
        case .decimal: "numeric"
        case .string(let length?) where length <= 10_485_760: "varchar(\(length))"
        case .string, .text: "text"
        case .bytes: "bytea"
        case .date: "date"
        case .time: "time"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .json: "json"
        case .uuid: "uuid"
        }
    }

    public func replaceStatements(target: TableName, staging: TableName, targetExists: Bool) -> (
        swap: [String], cleanup: [String]
    ) {
        let swap =
            (targetExists ? ["DROP TABLE \(qualified(target))"] : [])
            + ["ALTER TABLE \(qualified(staging)) RENAME TO \(quote(target.name))"]
        return (swap, [])
    }

    /// The neutral type of a result column from its type OID and modifier, or nil when it has none
    /// (it is then read as text, with a warning).
    static func neutralType(oid: UInt32, modifier: Int32) -> ColumnType? {
        switch oid {
        case 16: return .bool
        case 17: return .bytes
        case 20: return .int64
        case 21: return .int16
        case 23: return .int32
        case 26: return .int64  // oid
        case 25, 19: return .text  // text, name
        case 114, 3802: return .json
        case 700: return .float32
        case 701: return .float64
        case 1042, 1043:
            return .string(length: modifier >= 4 ? Int(modifier - 4) : nil)
        case 18: return .string(length: 1)
        case 1082: return .date
        case 1083: return .time
        case 1114: return .timestamp
        case 1184: return .timestamptz
        case 1700:
            guard modifier >= 4 else { return .decimal(precision: nil, scale: nil) }
            let packed = Int(modifier - 4)
            let precision = (packed >> 16) & 0xFFFF
            let scale = packed & 0xFFFF
            // PostgreSQL 15 allows a negative scale (stored as 11 bits in two's complement): no neutral
            // decimal(p,s) has one, so such a column is read as unconstrained.
            guard scale <= precision else { return .decimal(precision: nil, scale: nil) }
            return .decimal(precision: precision, scale: scale)
        case 2950: return .uuid
        default: return nil
        }
    }

    /// PostgreSQL's own objects have OIDs below FirstNormalObjectId; user types (enums, domains) above.
    static func isBuiltIn(oid: UInt32) -> Bool { oid < 16384 }

    /// Quoted names keep their case.
    public var caseSensitiveNames: Bool { true }

    /// The SQL spellings `format_type` gives PostgreSQL's own types that the grammar itself knows, so
    /// that no schema on the search path can stand in for them.
    // Regex is not Sendable, but these are never changed after they are made.
    nonisolated(unsafe) private static let keywordType = try? Regex(
        #"(bigint|integer|smallint|boolean|real|double precision|numeric(\(\d+(,\d+)?\))?|character varying(\(\d+\))?|character(\(\d+\))?|bit varying(\(\d+\))?|bit(\(\d+\))?|(time|timestamp)(\(\d+\))? with(out)? time zone|interval( (year|month|day|hour|minute|second)( to (month|hour|minute|second))?)?(\(\d+\))?)"#
    )
    nonisolated(unsafe) private static let plainType = try? Regex(#"[a-z_][a-z0-9_]*(\(\d+(,\d+)?\))?"#)

    /// A type name from a source's `format_type`, fit to put in a CREATE TABLE: checked against the forms
    /// PostgreSQL's own types take (a hostile server may answer anything), and qualified with
    /// `pg_catalog` where a table's schema could otherwise hold a type of that name. Nil when it is not one
    /// of those forms.
    static func ddlTypeName(_ formatted: String) -> String? {
        var base = Substring(formatted)
        var arrays = ""
        while base.hasSuffix("[]") {
            base = base.dropLast(2)
            arrays += "[]"
        }
        // The patterns are constants that compile; were one not to, every name would be refused.
        guard let keywordType, let plainType else { return nil }
        if base.wholeMatch(of: keywordType) != nil { return base + arrays }
        if base == "\"char\"" { return "pg_catalog.\"char\"" + arrays }
        if base.wholeMatch(of: plainType) != nil { return "pg_catalog." + base + arrays }
        return nil
    }
}
