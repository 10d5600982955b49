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

    /// The passphrase of the client key (`sslkey`).
    public var secretParams: Set<String> { ["sslpassword"] }

    public func open(_ config: ConnectionConfig, timeoutSeconds: Int) throws -> any DatabaseSession {
        try PostgresSession(config: config, timeoutSeconds: timeoutSeconds)
    }
}

/// One libpq connection. It is the only owner of its `PGconn`.
final class PostgresSession: DatabaseSession {
    /// TCP keepalives and a bound on unacknowledged writes, unless `params` set their own: a server or
    /// network that dies mid-statement fails the session within minutes instead of never.
    static let networkBounds: [(String, String)] = [
        ("keepalives", "1"), ("keepalives_idle", "60"), ("keepalives_interval", "10"), ("keepalives_count", "6"),
        ("tcp_user_timeout", "120000"),
    ]

    let connection: OpaquePointer
    let dialect: any Dialect = PostgresDialect()
    private let breaker: SocketBreaker

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
        // UTC so that timestamptz values are read and written as instants; ISO dates; and the shortest
        // float text that reads back to the same bits.
        // The user's own `options` come first: for a repeated -c the last wins, and these must.
        var options = config.params["options"].map { $0 + " " } ?? ""
        options += "-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=1"
        for (key, value) in config.params.sorted(by: { $0.key < $1.key }) where key != "options" {
            settings.append((key, value))
        }
        for (key, value) in Self.networkBounds where config.params[key] == nil {
            settings.append((key, value))
        }
        settings.append(("options", options))

        let handle = withCStringArrays(settings.map(\.0), settings.map(\.1)) { keys, values in
            PQconnectdbParams(keys, values, 0)
        }
        guard let handle else { throw DriverError("libpq could not allocate a connection") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            throw DriverError(clientMessage: message, hiding: config.secrets)
        }
        // Without a processor libpq prints NOTICEs straight to our stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        connection = handle
        breaker = SocketBreaker(descriptor: PQsocket(handle))
    }

    func serverVersion() throws -> String {
        "PostgreSQL " + (PQparameterStatus(connection, "server_version").map { String(cString: $0) } ?? "")
    }

    func query(_ sql: String, _ parameters: [String?]) throws -> [[String?]] {
        let result = parameters.withCStringPointers { values in
            PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        let checked = try check(result)
        defer { PQclear(checked) }
        let rows = Int(PQntuples(checked))
        let fields = Int(PQnfields(checked))
        return (0..<rows).map { row in
            (0..<fields).map { field in
                PQgetisnull(checked, Int32(row), Int32(field)) == 1
                    ? nil : String(cString: PQgetvalue(checked, Int32(row), Int32(field)))
            }
        }
    }

    func execute(_ sql: String) throws {
        PQclear(try check(PQexec(connection, sql)))
    }

    func openReader(_ query: String) throws -> any RowReader {
        try PostgresCopyReader.open(session: self, query: query)
    }

    func tableColumns(_ table: TableName) throws -> [TableColumn]? {
        let rows = try query(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = $1 AND n.nspname = COALESCE(NULLIF($2, ''), current_schema())
              AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """, [table.name, table.schema])
        if rows.isEmpty {
            let exists = try query(
                """
                SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relname = $1 AND n.nspname = COALESCE(NULLIF($2, ''), current_schema())
                """, [table.name, table.schema])
            return exists.isEmpty ? nil : []
        }
        return rows.map { TableColumn(name: $0[0] ?? "", typeName: $0[1] ?? "") }
    }

    func bulkWriter(into table: TableName, columns: [ColumnDescription]) throws -> any RowWriter {
        try PostgresCopyWriter(session: self, table: table, columns: columns, format: .text)
    }

    func canceller() -> any QueryCanceller {
        PostgresCanceller(connection: connection, breaker: breaker)
    }

    func close() {
        breaker.detach()
        PQfinish(connection)
    }

    /// The result if it succeeded, else the server's error (with the cleared result).
    @discardableResult
    func check(_ result: OpaquePointer?) throws -> OpaquePointer {
        guard let result else { throw DriverError(clientMessage: String(cString: PQerrorMessage(connection))) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_SINGLE_TUPLE:
            return result
        default:
            let error = Self.error(of: result)
            PQclear(result)
            throw error
        }
    }

    /// The server's message with its detail and context (which names the COPY line and column).
    static func error(of result: OpaquePointer) -> DriverError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        let primary = field("M") ?? String(cString: PQresultErrorMessage(result))
        var message = primary
        if let detail = field("D") { message += " (\(detail))" }
        if let context = field("W") {
            message += "; " + (context.count > 300 ? String(context.prefix(300)) + "…" : context)
        }
        return DriverError(clientMessage: message, code: field("C"))
    }

    /// Drains the results after a COPY or a failed statement, so the connection is ready again.
    func drainResults() throws {
        var firstError: DriverError?
        while let result = PQgetResult(connection) {
            if firstError == nil, ![PGRES_COMMAND_OK, PGRES_TUPLES_OK].contains(PQresultStatus(result)) {
                firstError = Self.error(of: result)
            }
            PQclear(result)
        }
        if let firstError { throw firstError }
    }
}

/// PQcancel is safe from any thread; the PGcancel object lives as long as this canceller.
final class PostgresCanceller: QueryCanceller, @unchecked Sendable {
    private let handle: OpaquePointer?
    private let breaker: SocketBreaker

    init(connection: OpaquePointer, breaker: SocketBreaker) {
        handle = PQgetCancel(connection)
        self.breaker = breaker
    }

    func abort() {
        breaker.breakConnection()
    }

    func cancel() {
        guard let cancel = handle else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &buffer, Int32(buffer.count))
    }

    deinit {
        if let handle { PQfreeCancel(handle) }
    }
}

extension Array where Element == String? {
    /// Calls `body` with C strings for the elements (NULL for nil) that live for the call only.
    public func withCStringPointers<Result>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> Result) -> Result {
        let copies = map { $0.map { strdup($0) } ?? nil }
        defer { for copy in copies { free(copy) } }
        let pointers = copies.map { $0.map { UnsafePointer($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

/// Calls `body` with two NULL-terminated arrays of C strings that live for the call only.
public func withCStringArrays<Result>(
    _ first: [String], _ second: [String],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> Result
) -> Result {
    let firstCopies = first.map { strdup($0) }
    let secondCopies = second.map { strdup($0) }
    defer {
        for copy in firstCopies { free(copy) }
        for copy in secondCopies { free(copy) }
    }
    let firstPointers = firstCopies.map { UnsafePointer($0) } + [nil]
    let secondPointers = secondCopies.map { UnsafePointer($0) } + [nil]
    return firstPointers.withUnsafeBufferPointer { firstBuffer in
        secondPointers.withUnsafeBufferPointer { secondBuffer in
            body(firstBuffer.baseAddress!, secondBuffer.baseAddress!)
        }
    }
}
