import Foundation

/// SQLite's quoting, declared type names and table swap. Declared types are chosen for their affinity:
/// decimals and unsigned 64-bit integers are kept as TEXT, since SQLite's NUMERIC affinity would round
/// them to 15 digits.
public struct SQLiteDialect: Dialect {
    public init() {}
    public var system: DataSystem { .sqlite }
    public var maximumIdentifierBytes: Int { 1000 }
    public var transactionalDDL: Bool { true }
    public var beginStatement: String { "BEGIN IMMEDIATE" }

    public func quote(_ identifier: String) -> String { quoteIdentifier(identifier, with: "\"") }

    public func columnType(for type: ColumnType) -> String {
        switch type {
        case .bool: "BOOLEAN"
        case .int16: "SMALLINT"
        case .int32: "INTEGER"
        case .int64: "BIGINT"
        case .uint64: "DECIMAL TEXT(20,0)"
        case .float32: "FLOAT"
        case .float64: "DOUBLE"
        case .decimal(let precision?, let scale): "DECIMAL TEXT(\(precision),\(scale ?? 0))"
        case .decimal: "DECIMAL TEXT"
        case .string(let length?): "VARCHAR(\(length))"
        case .string, .text: "TEXT"
        case .bytes: "BLOB"
        case .date: "DATE"
        case .time: "TIME"
        case .timestamp: "DATETIME"
        case .timestamptz: "TIMESTAMPTZ"
        // TEXT affinity: with JSON's NUMERIC affinity a document that is a bare number would become a number.
        case .json: "JSON TEXT"
        case .uuid: "UUID"
        }
    }

    /// SQLite's CREATE INDEX needs a name: the table's and the column's, in the table's schema.
    public func cursorIndexStatements(_ table: TableName, column: ColumnDescription) -> [String] {
        let index = TableName(schema: table.schema, name: "\(table.name)_\(column.name)_cursor")
        return ["CREATE INDEX \(qualified(index)) ON \(quote(table.name)) (\(quote(column.name)))"]
    }

    /// A column without affinity (an expression of a subquery) compares an integer with a text as
    /// unequal kinds, every integer less than every text: numeric marks are made numbers.
    public func cursorLiteral(_ literal: String, type: ColumnType) -> String {
        switch type {
        case .int16, .int32, .int64: "CAST(\(literal) AS INTEGER)"
        case .float32, .float64: "CAST(\(literal) AS REAL)"
        default: literal
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

    /// A CREATE TABLE whose columns have the declared types of a SQLite source (and so their affinities),
    /// for values that keep their storage classes; a column without one, or with a name this does not
    /// repeat safely, gets none and keeps every value as it is bound.
    func createTableKeepingDeclaredTypes(
        _ table: TableName, columns: [ColumnDescription], primaryKey: [String] = []
    ) -> String {
        let definitions = columns.map { column in
            let declared = column.sourceType != SQLiteReader.undeclared && Self.isPlainDeclaredType(column.sourceType)
            return quote(column.name) + (declared ? " " + column.sourceType : "")
        }
        return
            "CREATE TABLE \(qualified(table)) (\(definitions.joined(separator: ", "))\(primaryKeyClause(primaryKey)))"
    }

    /// Names and numbers as SQLite's grammar takes a type: `VARCHAR(10)`, `UNSIGNED BIG INT`, `DECIMAL(12, 2)`.
    static func isPlainDeclaredType(_ declared: String) -> Bool {
        guard let first = declared.first, first.isASCII, first.isLetter else { return false }
        let allowed = declared.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || " _(),+-".contains($0)) }
        let opening = declared.firstIndex(of: "(")
        let closing = declared.firstIndex(of: ")")
        let parentheses = declared.filter { $0 == "(" || $0 == ")" }.count
        guard allowed, parentheses == (opening == nil ? 0 : 2) else { return false }
        // Signs and commas only between the parentheses.
        let name = declared[..<(opening ?? declared.endIndex)]
        guard !name.contains(where: { $0 == "," || $0 == "+" || $0 == "-" }) else { return false }
        guard let opening, let closing else { return true }
        return opening < closing && declared.index(after: closing) == declared.endIndex
    }

    /// The neutral type of a declared column type, by name first and then by SQLite's affinity rules.
    static func neutralType(declared: String) -> ColumnType {
        let upper = declared.uppercased()
        let base = upper.split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? upper
        let arguments = Self.arguments(upper)
        switch base {
        case "BOOLEAN", "BOOL": return .bool
        case "TINYINT", "SMALLINT", "INT2": return .int16
        case "MEDIUMINT", "INT4": return .int32
        case "BIGINT", "INT8", "INTEGER", "INT": return .int64
        case "UNSIGNED BIG INT": return .uint64
        case "FLOAT", "REAL4", "FLOAT4": return .float32
        case "DOUBLE", "DOUBLE PRECISION", "REAL", "FLOAT8": return .float64
        case "DECIMAL TEXT", "DECIMAL", "NUMERIC":
            // NUMERIC-affinity decimals hold what SQLite kept of them; read them as exact text.
            return .decimal(precision: arguments.first, scale: arguments.count > 1 ? arguments[1] : nil)
        case "VARCHAR", "CHARACTER VARYING", "NVARCHAR", "CHAR", "CHARACTER", "NCHAR":
            // SQLite keeps a declared length as a name only: a VARCHAR(10) may hold any length.
            return .string(length: nil)
        case "TEXT", "CLOB": return .text
        case "BLOB", "BYTEA", "BINARY", "VARBINARY": return .bytes
        case "DATE": return .date
        case "TIME": return .time
        case "DATETIME", "TIMESTAMP": return .timestamp
        case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "DATETIMETZ": return .timestamptz
        case "JSON", "JSONB", "JSON TEXT": return .json
        case "UUID": return .uuid
        default: break
        }
        // SQLite's affinity rules, in their order.
        if upper.contains("INT") { return .int64 }
        if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") { return .text }
        if upper.contains("BLOB") || upper.isEmpty { return .bytes }
        if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") { return .float64 }
        return .decimal(precision: nil, scale: nil)
    }

    private static func arguments(_ declared: String) -> [Int] {
        guard let open = declared.firstIndex(of: "("), let close = declared.lastIndex(of: ")"), open < close else {
            return []
        }
        return declared[declared.index(after: open)..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
    }
}
