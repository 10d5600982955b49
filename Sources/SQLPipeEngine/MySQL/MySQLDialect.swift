import CMariaDB

/// MySQL's and MariaDB's quoting, type names and table swap.
public struct MySQLDialect: Dialect {
    public let system: DataSystem

    public init(system: DataSystem = .mysql) {
        self.system = system
    }

    /// MySQL counts identifier length in characters, 64 at most.
    public var maximumIdentifierBytes: Int { 64 }
    public func identifierLength(_ identifier: String) -> Int { identifier.count }
    public var transactionalDDL: Bool { false }
    public var beginStatement: String { "START TRANSACTION" }
    /// InnoDB, so that a failed load rolls back; utf8mb4, so that every Unicode character fits whatever
    /// the database's default.
    public var tableOptions: String { " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" }

    public func quote(_ identifier: String) -> String { quoteIdentifier(identifier, with: "`") }

    public func columnType(for type: ColumnType) -> String {
        switch type {
        case .bool: "boolean"
        case .int16: "smallint"
        case .int32: "int"
        case .int64: "bigint"
        case .uint64: "bigint unsigned"
        case .float32: "float"
        case .float64: "double"
        case .decimal(let precision?, let scale)
        where precision <= Self.maximumDecimalPrecision && (scale ?? 0) <= Self.maximumDecimalScale:
            "decimal(\(precision),\(scale ?? 0))"
        // Wider than MySQL's DECIMAL(65,30), or unconstrained: the widest it has. A value that does not fit
        // fails the transfer (MySQL reports it), it is never rounded.
        case .decimal: "decimal(65,30)"
        // Longer strings go off-row as longtext: several wide varchars would pass MySQL's 65,535-byte row limit.
        case .string(let length?) where length <= 2000: "varchar(\(length))"
        case .string, .text, .json: "longtext"
        case .bytes: "longblob"
        case .date: "date"
        case .time: "time(6)"
        case .timestamp: "datetime(6)"
        // DATETIME rather than TIMESTAMP: TIMESTAMP ends in 2038. Values are UTC.
        case .timestamptz: "datetime(6)"
        case .uuid: "char(36)"
        }
    }

    /// InnoDB indexes at most 3,072 bytes of a key, 768 utf8mb4 characters: 255 a text column leaves
    /// room for a composite key of several. A longer value fails the load.
    public func keyColumnType(for type: ColumnType) -> String {
        switch type {
        case .string(let length?) where length <= Self.keyTextLength: "varchar(\(length))"
        case .string, .text, .json: "varchar(\(Self.keyTextLength))"
        case .bytes: "varbinary(\(Self.keyTextLength * 4))"
        default: columnType(for: type)
        }
    }

    /// MySQL compares a number with a string as two doubles, which rounds past 2^53: the mark is cast.
    public func cursorLiteral(_ literal: String, type: ColumnType) -> String {
        switch type {
        case .int16, .int32, .int64: "CAST(\(literal) AS SIGNED)"
        case .uint64: "CAST(\(literal) AS UNSIGNED)"
        case .decimal(_, let scale): "CAST(\(literal) AS DECIMAL(65,\(min(scale ?? 30, Self.maximumDecimalScale))))"
        case .float32, .float64: "CAST(\(literal) AS DOUBLE)"
        default: literal
        }
    }

    static let keyTextLength = 255

    /// A longtext or longblob has no index without a prefix, which could not find the largest value.
    public func cursorIndexStatements(_ table: TableName, column: ColumnDescription) -> [String] {
        switch column.type {
        case .text, .json, .bytes: []
        case .string(let length) where (length ?? Int.max) > 768: []
        default: ["ALTER TABLE \(qualified(table)) ADD INDEX (\(quote(column.name)))"]
        }
    }

    /// DECIMAL holds at most 65 digits, 30 after the point.
    static let maximumDecimalPrecision = 65
    static let maximumDecimalScale = 30

    public func typeWarning(for column: ColumnDescription) -> String? {
        guard case .decimal(let precision?, let scale) = column.type,
            precision > Self.maximumDecimalPrecision || (scale ?? 0) > Self.maximumDecimalScale
        else { return nil }
        return
            "column \"\(column.name)\": \(column.sourceType) is wider than MySQL's decimal(65,30); values that do not fit fail the transfer"
    }

    /// The staging table, and the old target a process killed between the swap and its clean-up leaves.
    public func leftovers(ofStaging staging: TableName) -> [TableName] {
        [staging, replacedTable(staging)]
    }

    private func replacedTable(_ staging: TableName) -> TableName {
        TableName(schema: staging.schema, name: staging.name + "_old")
    }

    public func replaceStatements(target: TableName, staging: TableName, targetExists: Bool) -> (
        swap: [String], cleanup: [String]
    ) {
        guard targetExists else { return (["RENAME TABLE \(qualified(staging)) TO \(qualified(target))"], []) }
        let old = replacedTable(staging)
        // One RENAME TABLE statement swaps both names atomically.
        return (
            ["RENAME TABLE \(qualified(target)) TO \(qualified(old)), \(qualified(staging)) TO \(qualified(target))"],
            ["DROP TABLE \(qualified(old))"]
        )
    }

    /// The neutral type of a result column, and the MySQL type name it is shown as.
    static func neutralType(of field: MYSQL_FIELD) -> (ColumnType, String) {
        let unsigned = field.flags & UInt32(UNSIGNED_FLAG) != 0
        let binary = field.charsetnr == 63
        let suffix = unsigned ? " unsigned" : ""
        switch field.type {
        case MYSQL_TYPE_TINY:
            return field.length == 1 && !unsigned ? (.bool, "tinyint(1)") : (.int16, "tinyint" + suffix)
        case MYSQL_TYPE_SHORT: return (unsigned ? .int32 : .int16, "smallint" + suffix)
        case MYSQL_TYPE_INT24: return (.int32, "mediumint" + suffix)
        case MYSQL_TYPE_LONG: return (unsigned ? .int64 : .int32, "int" + suffix)
        case MYSQL_TYPE_LONGLONG: return (unsigned ? .uint64 : .int64, "bigint" + suffix)
        case MYSQL_TYPE_YEAR: return (.int16, "year")
        case MYSQL_TYPE_FLOAT: return (.float32, "float")
        case MYSQL_TYPE_DOUBLE: return (.float64, "double")
        case MYSQL_TYPE_NEWDECIMAL, MYSQL_TYPE_DECIMAL:
            let scale = Int(field.decimals)
            let precision = Int(field.length) - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1)
            return (.decimal(precision: max(1, precision), scale: scale), "decimal(\(precision),\(scale))" + suffix)
        case MYSQL_TYPE_DATE, MYSQL_TYPE_NEWDATE: return (.date, "date")
        case MYSQL_TYPE_TIME: return (.time, "time")
        case MYSQL_TYPE_DATETIME: return (.timestamp, "datetime")
        case MYSQL_TYPE_TIMESTAMP: return (.timestamptz, "timestamp")
        case MYSQL_TYPE_JSON: return (.json, "json")
        case MYSQL_TYPE_BIT: return (.bytes, "bit(\(field.length))")
        case MYSQL_TYPE_GEOMETRY: return (.bytes, "geometry")
        case MYSQL_TYPE_ENUM, MYSQL_TYPE_SET: return (.text, field.type == MYSQL_TYPE_ENUM ? "enum" : "set")
        case MYSQL_TYPE_TINY_BLOB, MYSQL_TYPE_MEDIUM_BLOB, MYSQL_TYPE_LONG_BLOB, MYSQL_TYPE_BLOB:
            return binary ? (.bytes, "blob") : (.text, "text")
        case MYSQL_TYPE_STRING, MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_VARCHAR:
            if field.flags & UInt32(ENUM_FLAG) != 0 { return (.text, "enum") }
            if field.flags & UInt32(SET_FLAG) != 0 { return (.text, "set") }
            if binary {
                return (
                    .bytes, field.type == MYSQL_TYPE_STRING ? "binary(\(field.length))" : "varbinary(\(field.length))"
                )
            }
            // Lengths come in bytes of the connection's utf8mb4: four per character.
            let characters = Int(field.length) / 4
            let name = field.type == MYSQL_TYPE_STRING ? "char(\(characters))" : "varchar(\(characters))"
            return (.string(length: characters > 0 ? characters : nil), name)
        case MYSQL_TYPE_NULL: return (.text, "null")
        default: return (.text, "type \(field.type.rawValue)")
        }
    }
}
