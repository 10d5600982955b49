import Foundation
import GRDB
import SQLPipeEngine

/// The transfer fixture: one table of the values that break naive tools, created the same way in every
/// system, with the canonical text each value must come back as.
public enum HardValues {
    public struct Column: Sendable {
        public var name: String
        public var type: ColumnType
        public var postgres: String
        public var mysql: String
        public var sqlite: String
        /// One value a row; nil is NULL. Canonical forms (see RowBatch); bytes as hex with a "hex:" prefix.
        public var values: [String?]
    }

    public static let rowCount = 11

    static func column(
        _ name: String, _ type: ColumnType, _ postgres: String, _ mysql: String, _ sqlite: String, _ values: [String?]
    ) -> Column {
        Column(
            name: name, type: type, postgres: postgres, mysql: mysql, sqlite: sqlite,
            values: values + Array(repeating: nil, count: rowCount - values.count))
    }

    public static let allBytes = "hex:" + (0...255).map { String(format: "%02x", $0) }.joined()

    public static let columns: [Column] = [
        column("id", .int64, "bigint", "bigint", "BIGINT", (1...rowCount).map { String($0) }),
        column(
            "c_text", .text, "text", "longtext", "TEXT",
            [
                nil, "", "plain ascii", "Unicode: é ü 日本語 😀 𝄞", #"it's "quoted" and back\slash \\ double"#,
                "tab\there\nnewline\r\ncrlf", #"\N"#, "NULL", "<nil>", "ctl:\u{1}\u{7}\u{1b}\u{7f}",
                String(repeating: "long ", count: 2000),
            ]),
        column(
            "c_varchar", .string(length: 40), "varchar(40)", "varchar(40)", "VARCHAR(40)",
            [
                "short", "", nil, "ümlaut 😀", String(repeating: "x", count: 40), " padded ",
            ]),
        column("Mixed Case Col", .text, "text", "longtext", "TEXT", ["select", "from", nil]),
        column(
            "c_bytes", .bytes, "bytea", "longblob", "BLOB",
            [
                nil, "hex:", "hex:00", "hex:000102ff00fe",
                "hex:" + Data("\t\n\\N\r".utf8).map { String(format: "%02x", $0) }.joined(),
                allBytes,
            ]),
        column(
            "c_int64", .int64, "bigint", "bigint", "BIGINT",
            [
                "-9223372036854775808", "9223372036854775807", "0", "-1", nil, "42",
            ]),
        column("c_int32", .int32, "integer", "int", "INTEGER", ["-2147483648", "2147483647", "0", nil]),
        column("c_int16", .int16, "smallint", "smallint", "SMALLINT", ["-32768", "32767", nil, "7"]),
        column(
            "c_uint64", .uint64, "numeric(20,0)", "bigint unsigned", "DECIMAL TEXT(20,0)",
            [
                "18446744073709551615", "0", nil, "9223372036854775808",
            ]),
        column(
            "c_dec38", .decimal(precision: 38, scale: 10), "numeric(38,10)", "decimal(38,10)", "DECIMAL TEXT(38,10)",
            [
                "1234567890123456789012345678.1234567890", "-9999999999999999999999999999.9999999999",
                "0.0000000000", "-0.0000000001", nil,
            ]),
        column(
            "c_decfrac", .decimal(precision: 35, scale: 30), "numeric(35,30)", "decimal(35,30)", "DECIMAL TEXT(35,30)",
            [
                "1.123456789012345678901234567890", "-0.000000000000000000000000000001", nil,
                "12345.000000000000000000000000000001",
            ]),
        column(
            "c_float64", .float64, "double precision", "double", "DOUBLE",
            [
                "5e-324", "1.7976931348623157e308", "0.1", "2.2250738585072014e-308", "0.30000000000000004", nil,
                "-0", "NaN", "Infinity", "-Infinity", "-1.5",
            ]),
        column(
            "c_float32", .float32, "real", "float", "FLOAT",
            [
                "1e-45", "1.1754944e-38", "0.1", "16777216", nil, "3.4028235e38", "-0", "NaN", "Infinity", "-Infinity",
                "0.33333334",
            ]),
        // The float4 limits (largest and smallest normal, the largest subnormal, negative ones): MySQL reads a
        // FLOAT's text as a double, and 3.4028235e38 as a double is above the largest float4.
        column(
            "c_float32_limits", .float32, "real", "float", "FLOAT",
            [
                "-3.4028235e38", "1.1754942e-38", "-1e-45", "3.4028233e38", "-1.1754944e-38", nil, "16777216",
            ]),
        column(
            "c_float64_limits", .float64, "double precision", "double", "DOUBLE",
            [
                "-1.7976931348623157e308", "-5e-324", "2.225073858507201e-308", "-2.2250738585072014e-308", nil,
                "9007199254740993e-16", "1.7976931348623155e308",
            ]),
        // PostgreSQL's infinite dates and timestamps: SQLite keeps their text; MySQL has none.
        column("c_date_inf", .date, "date", "date", "DATE", ["infinity", "-infinity", nil, "2024-01-01"]),
        column(
            "c_ts_inf", .timestamp, "timestamp", "datetime(6)", "DATETIME",
            [
                "-infinity", nil, "infinity", "2024-01-01 00:00:00",
            ]),
        column(
            "c_tstz_inf", .timestamptz, "timestamptz", "timestamp(6) NULL", "TIMESTAMPTZ",
            [
                "infinity", "-infinity", "2024-06-01 12:00:00", nil,
            ]),
        // SQLite does not enforce a declared length: its VARCHAR(10) holds 49 characters.
        column(
            "c_loose_varchar", .text, "text", "longtext", "VARCHAR(10)",
            [
                String(repeating: "a", count: 49), "ten chars!", nil, "ümlaut 😀 is longer than ten characters",
            ]),
        column("c_bool", .bool, "boolean", "boolean", "BOOLEAN", ["t", "f", nil, "t"]),
        column("c_date", .date, "date", "date", "DATE", ["1850-06-15", "2150-01-01", "2024-02-29", nil, "1000-01-01"]),
        column("c_time", .time, "time", "time(6)", "TIME", ["00:00:00", "23:59:59.999999", "12:30:00.5", nil]),
        column(
            "c_ts", .timestamp, "timestamp", "datetime(6)", "DATETIME",
            [
                "1899-12-31 23:59:59.999999", "2150-06-30 12:00:00.000001", "2024-03-31 02:30:00", nil,
            ]),
        // Instants on both sides of Europe's DST changes in 2024 (01:00 UTC on 31 March and 27 October).
        column(
            "c_tstz", .timestamptz, "timestamptz", "timestamp(6) NULL", "TIMESTAMPTZ",
            [
                "2024-03-31 00:59:59.5", "2024-03-31 01:00:00.5", "2024-10-27 00:30:00", "2024-10-27 01:30:00", nil,
                "2037-12-31 23:59:59.999999",
            ]),
        column(
            "c_json", .json, "json", "longtext", "JSON",
            [
                #"{"a": "ü😀", "n": [1, 2.5, {"b": null}], "s": "tab\t and \"quote\""}"#, "[]", nil, "{}",
            ]),
        column("c_uuid", .uuid, "uuid", "char(36)", "UUID", ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", nil]),
    ]

    /// Values a system cannot hold at all (NaN, infinities, negative zero): the route's fixture has NULL
    /// there instead, and separate tests check that such a value fails the transfer.
    public static func holds(_ value: String, type: ColumnType, in system: DataSystem) -> Bool {
        switch system {
        case .postgresql: return true
        case .sqlite: return !(type.isFloat && (value == "NaN" || value == "-0"))
        case .mysql, .mariadb:
            if type.isFloat && ["NaN", "Infinity", "-Infinity", "-0"].contains(value) { return false }
            return !isInfiniteDate(value, type: type)
        }
    }

    static func isInfiniteDate(_ value: String, type: ColumnType) -> Bool {
        [.date, .timestamp, .timestamptz].contains(type) && (value == "infinity" || value == "-infinity")
    }

    /// The fixture's values for a transfer from `source` to `target`.
    public static func values(from source: DataSystem, to target: DataSystem) -> [Column] {
        columns.map { column in
            var column = column
            column.values = column.values.map { value in
                guard let value, holds(value, type: column.type, in: source),
                    holds(value, type: column.type, in: target)
                else {
                    return nil
                }
                return value
            }
            return column
        }
    }

    /// Creates the fixture table in a session and fills it.
    public static func create(
        _ table: String, with columns: [Column], in session: any DatabaseSession, sqlitePath: String? = nil
    ) throws {
        let dialect = session.dialect
        switch dialect.system {
        case .postgresql:
            try session.execute(
                "CREATE TABLE \(dialect.quote(table)) (\(columns.map { dialect.quote($0.name) + " " + $0.postgres }.joined(separator: ", ")))"
            )
            let placeholders = columns.indices.map { "$\($0 + 1)::\(columns[$0].postgres)" }.joined(separator: ", ")
            let sql = "INSERT INTO \(dialect.quote(table)) VALUES (\(placeholders))"
            for row in 0..<rowCount {
                _ = try session.query(
                    sql,
                    columns.map { column in
                        column.values[row].map { value in
                            if value.hasPrefix("hex:") { return "\\x" + value.dropFirst(4) }
                            if column.type == .timestamptz && !isInfiniteDate(value, type: column.type) {
                                return value + "+00"
                            }
                            return value
                        }
                    })
            }
        case .mysql, .mariadb:
            try session.execute(
                "CREATE TABLE \(dialect.quote(table)) (\(columns.map { dialect.quote($0.name) + " " + $0.mysql }.joined(separator: ", ")))"
            )
            let placeholders = columns.map { $0.type == .bytes ? "UNHEX(?)" : "?" }.joined(separator: ", ")
            let sql = "INSERT INTO \(dialect.quote(table)) VALUES (\(placeholders))"
            for row in 0..<rowCount {
                _ = try session.query(
                    sql,
                    columns.map { column in
                        column.values[row].map { value in
                            if value.hasPrefix("hex:") { return String(value.dropFirst(4)) }
                            if column.type == .bool { return value == "t" ? "1" : "0" }
                            // MySQL reads the text as a double: 3.4028235e38 would be above the largest float4.
                            if column.type == .float32, let float = Float(value) { return "\(Double(float))" }
                            return value
                        }
                    })
            }
        case .sqlite:
            guard let sqlitePath else { throw DriverError("a SQLite fixture needs its file path") }
            // GRDB binds each value with its own storage class: integers, reals and blobs, not text.
            let queue = try DatabaseQueue(path: sqlitePath)
            try queue.write { db in
                try db.execute(
                    sql:
                        "CREATE TABLE \(dialect.quote(table)) (\(columns.map { dialect.quote($0.name) + " " + $0.sqlite }.joined(separator: ", ")))"
                )
                let sql =
                    "INSERT INTO \(dialect.quote(table)) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
                for row in 0..<rowCount {
                    let arguments: [(any DatabaseValueConvertible)?] = columns.map { column in
                        guard let value = column.values[row] else { return nil }
                        switch column.type {
                        case .bytes: return Data(hex: String(value.dropFirst(4)))
                        case .bool: return value == "t" ? 1 : 0
                        case .int16, .int32, .int64: return Int64(value)
                        // A float4 as the double it is exactly, as sqlpipe stores one.
                        case .float32:
                            return Float(value == "Infinity" ? "inf" : value == "-Infinity" ? "-inf" : value).map {
                                Double($0)
                            }
                        case .float64:
                            return Double(value == "Infinity" ? "inf" : value == "-Infinity" ? "-inf" : value)
                        case .timestamptz: return isInfiniteDate(value, type: column.type) ? value : value + "+00:00"
                        default: return value
                        }
                    }
                    try db.execute(sql: sql, arguments: StatementArguments(arguments))
                }
            }
        }
    }

    /// Reads a whole table back through the engine's own reader, as canonical text (bytes as "hex:…").
    public static func read(_ query: String, from session: any DatabaseSession) throws -> (
        columns: [ColumnDescription], rows: [[String?]]
    ) {
        let reader = try session.openReader(query)
        defer { reader.close() }
        var rows: [[String?]] = []
        var batch = RowBatch(columnCount: reader.columns.count)
        while true {
            let more = try reader.read(into: &batch)
            for row in 0..<batch.rowCount {
                rows.append(
                    (0..<reader.columns.count).map { column in
                        if batch.isNull(row: row, column: column) { return nil }
                        if reader.columns[column].type == .bytes {
                            return "hex:"
                                + batch.withCell(row: row, column: column) {
                                    $0.map { String(format: "%02x", $0) }.joined()
                                }
                        }
                        return batch.string(row: row, column: column)
                    })
            }
            batch.removeAll()
            if !more { break }
        }
        return (reader.columns, rows)
    }

    /// Whether two canonical values of a type are the same value: floats bit for bit, fractional seconds
    /// without trailing zeros, JSON as parsed documents.
    public static func same(_ expected: String?, _ actual: String?, type: ColumnType) -> Bool {
        guard let expected, let actual else { return expected == nil && actual == nil }
        switch type {
        case .float64:
            guard let a = parseFloat(expected), let b = parseFloat(actual) else { return false }
            return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
        case .float32:
            guard let a = parseFloat(expected).map(Float.init), let b = parseFloat(actual).map(Float.init) else {
                return false
            }
            return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
        case .time, .timestamp, .timestamptz:
            return trimFraction(expected) == trimFraction(actual)
        case .json:
            guard
                let a = try? JSONSerialization.jsonObject(with: Data(expected.utf8), options: .fragmentsAllowed)
                    as? NSObject,
                let b = try? JSONSerialization.jsonObject(with: Data(actual.utf8), options: .fragmentsAllowed)
                    as? NSObject
            else { return false }
            return a.isEqual(b)
        default:
            return expected == actual
        }
    }

    static func parseFloat(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        default: Double(text)
        }
    }

    public static func trimFraction(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var trimmed = text
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        return trimmed
    }
}

extension Data {
    public init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        self.init(bytes)
    }
}
