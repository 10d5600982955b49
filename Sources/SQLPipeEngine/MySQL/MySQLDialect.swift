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
        case .decimal(let precision?, let scale) where precision <= 65 && (scale ?? 0) <= 30:
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

    /// The staging table, and the old target a process killed between the swap and its clean-up leaves.
    public func leftovers(ofStaging staging: TableName) -> [TableName] {
        [staging, replacedTable(staging)]
    }

    private func replacedTable(_ staging: TableName) -> TableName {
        TableName(schema: staging.schema, name: staging.name + "_old")
    }

    public func replaceStatements(target: TableName, staging: TableName, targetExists: Bool) -> (swap: [String], cleanup: [String]) {
        guard targetExists else { return (["RENAME TABLE \(qualified(staging)) TO \(qualified(target))"], []) }
        let old = replacedTable(staging)
        // One RENAME TABLE statement swaps both names atomically.
        return (
            ["RENAME TABLE \(qualified(target)) TO \(qualified(old)), \(qualified(staging)) TO \(qualified(target))"],
            ["DROP TABLE \(qualified(old))"]
        )
    }
}
