import CLibPQ
import Foundation
import GRDB
import SQLPipeEngine

/// One libpq connection of the PostgreSQL store, the only owner of its `PGconn`. It speaks the store's
/// shared SQL (`?` placeholders) and answers in GRDB rows, so that records decode as they do from SQLite.
final class PostgresStoreConnection {
    private let handle: OpaquePointer
    /// `?` placeholders turned into `$n`, once per statement text.
    private var numbered: [String: String] = [:]

    init(_ address: PostgresStoreAddress) throws {
        let settings = address.connectionSettings
        let opened = withCStringArrays(settings.map(\.0), settings.map(\.1)) { keys, values in
            PQconnectdbParams(keys, values, 1)
        }
        guard let opened else { throw SQLPipeError.store("libpq could not allocate a connection to the store") }
        guard PQstatus(opened) == CONNECTION_OK else {
            let message = Self.clean(String(cString: PQerrorMessage(opened)))
            PQfinish(opened)
            throw SQLPipeError.store("cannot connect to the store \(address.description): \(message)")
        }
        PQsetNoticeProcessor(opened, { _, _ in }, nil)
        handle = opened
        let schema = try escapedIdentifier(address.schema)
        try run("SET search_path TO \(schema)")
    }

    deinit { PQfinish(handle) }

    /// Whether the connection can still be used: a broken one is dropped from the pool.
    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    func escapedIdentifier(_ name: String) throws -> String {
        guard let escaped = PQescapeIdentifier(handle, name, name.utf8.count) else {
            throw SQLPipeError.store("cannot quote \(name): \(Self.clean(String(cString: PQerrorMessage(handle))))")
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// A statement without parameters (transaction control, DDL).
    func run(_ sql: String) throws {
        PQclear(try check(PQexec(handle, sql)))
    }

    func rows(_ sql: String, _ arguments: [DatabaseValue]) throws -> [Row] {
        let result = try execute(sql, arguments)
        defer { PQclear(result) }
        let count = Int(PQntuples(result))
        let fields = Int(PQnfields(result))
        let names = (0..<fields).map { String(cString: PQfname(result, Int32($0))) }
        let types = (0..<fields).map { PQftype(result, Int32($0)) }
        return (0..<count).map { row in
            var values: [String: (any DatabaseValueConvertible)?] = [:]
            for field in 0..<fields {
                values[names[field]] = Self.value(result, row, field, type: types[field])
            }
            return Row(values)
        }
    }

    func changes(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int {
        let result = try execute(sql, arguments)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    private func execute(_ sql: String, _ arguments: [DatabaseValue]) throws -> OpaquePointer {
        let text = numberedPlaceholders(sql)
        let parameters: [String?] = arguments.map(Self.parameter)
        let result = parameters.withCStringPointers { values in
            PQexecParams(handle, text, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        return try check(result)
    }

    private func check(_ result: OpaquePointer?) throws -> OpaquePointer {
        guard let result else {
            throw PostgresStoreError(state: "", message: Self.clean(String(cString: PQerrorMessage(handle))))
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return result
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            let message = Self.clean(String(cString: PQresultErrorMessage(result)))
            PQclear(result)
            throw PostgresStoreError(state: state, message: message)
        }
    }

    private func numberedPlaceholders(_ sql: String) -> String {
        if let known = numbered[sql] { return known }
        var output = ""
        var number = 0
        var quoted = false
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?" && !quoted {
                number += 1
                output += "$\(number)"
            } else {
                output.append(character)
            }
        }
        numbered[sql] = output
        return output
    }

    /// A value as libpq's text format: booleans as 1 and 0 (GRDB's), dates as GRDB's UTC text, which the
    /// session (TimeZone UTC) reads as the instant it is.
    private static func parameter(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: nil
        case .int64(let number): String(number)
        case .double(let number): "\(number)"
        case .string(let text): text
        case .blob(let bytes): "\\x" + bytes.map { String(format: "%02x", $0) }.joined()
        }
    }

    private static let boolType: Oid = 16
    private static let byteaType: Oid = 17
    private static let integerTypes: Set<Oid> = [20, 21, 23]
    private static let floatTypes: Set<Oid> = [700, 701]
    private static let timestampTypes: Set<Oid> = [1114, 1184]

    /// A column as GRDB would have read it from SQLite: integers for booleans, Data for bytea, Dates for
    /// timestamps.
    private static func value(_ result: OpaquePointer, _ row: Int, _ field: Int, type: Oid)
        -> (any DatabaseValueConvertible)?
    {
        if PQgetisnull(result, Int32(row), Int32(field)) == 1 { return nil }
        let text = String(cString: PQgetvalue(result, Int32(row), Int32(field)))
        switch type {
        case boolType: return Int64(text == "t" ? 1 : 0)
        case _ where integerTypes.contains(type): return Int64(text)
        case _ where floatTypes.contains(type): return Double(text)
        case byteaType: return hexBytes(text)
        case _ where timestampTypes.contains(type):
            // Another form (a year past 9999) is left to GRDB's reading of text, which names it if it fails.
            if let date = StoredTimestamp.date(text) { return date }
            return text
        default: return text
        }
    }

    private static func hexBytes(_ text: String) -> Data? {
        let digits = Array(text.utf8.dropFirst(2))
        guard text.hasPrefix("\\x"), digits.count % 2 == 0 else { return nil }
        var bytes = Data(capacity: digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = CellText.hexValue(digits[index]), let low = CellText.hexValue(digits[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func clean(_ message: String) -> String {
        message.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// An error PostgreSQL (or libpq) reported, with its SQLSTATE.
struct PostgresStoreError: Error {
    var state: String
    var message: String

    /// The transaction lost a race with another (serialization failure, deadlock): running it again is right.
    var isRetryable: Bool { state == "40001" || state == "40P01" }
}
