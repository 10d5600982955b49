/// PostgreSQL's quoting, type names and table swap.
public struct PostgresDialect: Dialect {
    public init() {}
    public var system: DataSystem { .postgresql }
    public var maximumIdentifierBytes: Int { 63 }
    public var transactionalDDL: Bool { true }

    public func quote(_ identifier: String) -> String { quoteIdentifier(identifier, with: "\"") }

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

    public func replaceStatements(target: TableName, staging: TableName, targetExists: Bool) -> (swap: [String], cleanup: [String]) {
        let swap = (targetExists ? ["DROP TABLE \(qualified(target))"] : [])
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
}
