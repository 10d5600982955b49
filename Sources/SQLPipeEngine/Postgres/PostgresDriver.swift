import CLibPQ
import Foundation

public struct PostgresDriver: DatabaseDriver {
    public init() {}

    /// Connection fields that come from the connection record itself, never from `params`.
    static let reservedKeywords: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "service", "client_encoding",
    ]

    /// Every libpq connection keyword this libpq knows, except the ones the record sets itself.
    public var supportedParams: [String: String] {
        guard let defaults = PQconndefaults() else { return [:] }
        defer { PQconninfoFree(defaults) }
        var params: [String: String] = [:]
        var option = defaults
        while let keyword = option.pointee.keyword {
            let name = String(cString: keyword)
            if !Self.reservedKeywords.contains(name) {
                params[name] = option.pointee.label.map { String(cString: $0) } ?? name
            }
            option += 1
        }
        return params
    }

    public func open(_ config: ConnectionConfig, timeoutSeconds: Int) throws -> any DatabaseSession {
        try PostgresSession(config: config, timeoutSeconds: timeoutSeconds)
    }
}

/// One libpq connection. It is the only owner of its `PGconn`.
final class PostgresSession: DatabaseSession {
    private let connection: OpaquePointer

    init(config: ConnectionConfig, timeoutSeconds: Int) throws {
        // Keywords and values go to libpq as separate arrays: nothing is spliced into a conninfo string.
        var settings: [(String, String)] = [
            ("host", config.hostname),
            ("port", String(config.port)),
            ("dbname", config.database),
            ("user", config.username),
            ("password", config.password),
            ("connect_timeout", String(max(2, timeoutSeconds))),
            ("client_encoding", "UTF8"),
            ("fallback_application_name", "sqlpipe"),
        ]
        var options = "-c TimeZone=UTC"
        for (key, value) in config.params.sorted(by: { $0.key < $1.key }) {
            if key == "options" {
                options += " " + value
            } else {
                settings.append((key, value))
            }
        }
        settings.append(("options", options))

        let handle = withCStringArrays(settings.map(\.0), settings.map(\.1)) { keys, values in
            PQconnectdbParams(keys, values, 0)
        }
        guard let handle else { throw DriverError("libpq could not allocate a connection") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            throw DriverError(clientMessage: message, hiding: config.password)
        }
        // Without a processor libpq prints NOTICEs straight to our stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        connection = handle
    }

    func serverVersion() throws -> String {
        let version = Int(PQserverVersion(connection))
        return "PostgreSQL \(version / 10000).\(version % 10000)"
    }

    func scalar(_ sql: String) throws -> String? {
        guard let result = PQexec(connection, sql) else {
            throw DriverError(String(cString: PQerrorMessage(connection)))
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            let code = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw DriverError(clientMessage: String(cString: PQresultErrorMessage(result)), code: code, hiding: "")
        }
        guard PQntuples(result) > 0, PQnfields(result) > 0, PQgetisnull(result, 0, 0) == 0 else { return nil }
        return String(cString: PQgetvalue(result, 0, 0))
    }

    func close() {
        PQfinish(connection)
    }
}

/// Calls `body` with two NULL-terminated arrays of C strings that live for the call only.
func withCStringArrays<Result>(
    _ first: [String], _ second: [String],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> Result
) -> Result {
    let firstCopies = first.map { strdup($0) }
    let secondCopies = second.map { strdup($0) }
    defer {
        firstCopies.forEach { free($0) }
        secondCopies.forEach { free($0) }
    }
    let firstPointers = firstCopies.map { UnsafePointer($0) } + [nil]
    let secondPointers = secondCopies.map { UnsafePointer($0) } + [nil]
    return firstPointers.withUnsafeBufferPointer { firstBuffer in
        secondPointers.withUnsafeBufferPointer { secondBuffer in
            body(firstBuffer.baseAddress!, secondBuffer.baseAddress!)
        }
    }
}
