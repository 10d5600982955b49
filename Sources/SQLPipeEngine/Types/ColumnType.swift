/// The neutral column-type vocabulary every driver maps its own types to and from.
public enum ColumnType: Equatable, Hashable, Sendable, CustomStringConvertible {
    case bool
    case int16
    case int32
    case int64
    case uint64
    case float32
    case float64
    /// `precision` nil means unconstrained (PostgreSQL `numeric`).
    case decimal(precision: Int?, scale: Int?)
    /// `length` in characters; nil means no declared limit.
    case string(length: Int?)
    case text
    case bytes
    case date
    case time
    case timestamp
    /// An instant; cells hold it in UTC.
    case timestamptz
    case json
    case uuid

    public var description: String {
        switch self {
        case .bool: "bool"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .uint64: "uint64"
        case .float32: "float32"
        case .float64: "float64"
        case .decimal(let precision?, let scale): "decimal(\(precision),\(scale ?? 0))"
        case .decimal: "decimal"
        case .string(let length?): "string(\(length))"
        case .string: "string"
        case .text: "text"
        case .bytes: "bytes"
        case .date: "date"
        case .time: "time"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .json: "json"
        case .uuid: "uuid"
        }
    }

    public var isFloat: Bool { self == .float32 || self == .float64 }
}

/// A column of a result set or a table: its name (case kept), neutral type and the source's own type name.
public struct ColumnDescription: Equatable, Sendable {
    public var name: String
    public var type: ColumnType
    /// The type as the source system named it, e.g. `numeric(38,10)` or `tinyint(1) unsigned`.
    public var sourceType: String

    public init(name: String, type: ColumnType, sourceType: String) {
        self.name = name
        self.type = type
        self.sourceType = sourceType
    }
}
