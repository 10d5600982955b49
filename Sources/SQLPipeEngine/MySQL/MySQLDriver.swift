import CMariaDB
import Foundation

public struct MySQLDriver: DatabaseDriver {
    public init() {}

    public var supportedParams: [String: String] {
        Dictionary(uniqueKeysWithValues: MySQLOption.allCases.map { ($0.rawValue, $0.help) })
    }

    public func problem(with params: [String: String]) -> String? {
        if let mode = params[MySQLOption.sslMode.rawValue], MySQLSSLMode(rawValue: mode.lowercased()) == nil {
            return MySQLSSLMode.problem
        }
        if let local = params[MySQLOption.localInfile.rawValue], local != "0" && local != "1" {
            return "local_infile must be 0 or 1"
        }
        for option in [MySQLOption.readTimeout, .writeTimeout] {
            if let value = params[option.rawValue], (UInt32(value) ?? 0) == 0 {
                return "\(option.rawValue) must be a whole number of seconds above 0"
            }
        }
        return nil
    }

    public func open(_ config: ConnectionConfig, timeoutSeconds: Int) throws -> any DatabaseSession {
        try MySQLSession(config: config, timeoutSeconds: timeoutSeconds)
    }
}

/// The options a MySQL connection's `params` may hold: each named once, with its help.
enum MySQLOption: String, CaseIterable {
    case sslMode = "ssl_mode"
    case sslCA = "ssl_ca"
    case sslCert = "ssl_cert"
    case sslKey = "ssl_key"
    case socket
    case localInfile = "local_infile"
    case readTimeout = "read_timeout"
    case writeTimeout = "write_timeout"

    var help: String {
        switch self {
        case .sslMode: "disabled or preferred (no TLS asked for), required, verify_ca or verify_identity"
        case .sslCA: "path of the CA certificate file"
        case .sslCert: "path of the client certificate file"
        case .sslKey: "path of the client key file"
        case .socket: "path of a Unix socket to use instead of TCP"
        case .localInfile: "1 (the default): load with LOAD DATA LOCAL; 0: with multi-row INSERTs"
        case .readTimeout:
            "seconds a read from the server may wait (default \(MySQLSession.defaultReadTimeout)): the longest a statement may run before its first row"
        case .writeTimeout: "seconds a write to the server may wait (default \(MySQLSession.defaultWriteTimeout))"
        }
    }
}

/// The values of `ssl_mode`, as MySQL's own clients spell them.
enum MySQLSSLMode: String, CaseIterable {
    case disabled, preferred, required
    case verifyCA = "verify_ca"
    case verifyIdentity = "verify_identity"

    static let problem = "ssl_mode must be " + allCases.map(\.rawValue).joined(separator: ", ")

    var enforcesTLS: Bool { self != .disabled && self != .preferred }
    var verifiesServer: Bool { self == .verifyCA || self == .verifyIdentity }
}

/// mysql_library_init is not thread-safe: it runs once, before the first handle is made.
private let mysqlLibraryReady: Bool = mysql_server_init(0, nil, nil) == 0

/// Error numbers that mean the server will not take LOAD DATA LOCAL.
let mysqlLocalInfileRefused: Set<UInt32> = [1148, 3948, 4166, 2068]

/// One MariaDB Connector/C connection. It is the only owner of its `MYSQL` handle.
final class MySQLSession: DatabaseSession {
    /// Long enough for a slow query to send its first row; `read_timeout` in params changes it.
    static let defaultReadTimeout: UInt32 = 3600
    static let defaultWriteTimeout: UInt32 = 600

    let handle: UnsafeMutablePointer<MYSQL>
    let config: ConnectionConfig
    let dialect: any Dialect
    let infile: LocalInfileGate
    private let breaker: SocketBreaker

    init(config: ConnectionConfig, timeoutSeconds: Int) throws {
        guard mysqlLibraryReady, let handle = mysql_init(nil) else {
            throw DriverError("the MariaDB client library could not be initialised")
        }
        self.config = config
        dialect = MySQLDialect(system: config.system)
        var timeout = UInt32(max(1, timeoutSeconds))
        setOption(handle, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
        setOption(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        // UTC so that TIMESTAMP values are read and written as instants; strict so that a value that does not
        // fit is an error, never silently changed.
        setOption(
            handle, MYSQL_INIT_COMMAND,
            "SET time_zone = '+00:00', sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION')"
        )
        // Every wait on the server is bounded: a silent server fails the session instead of holding it.
        var readTimeout = UInt32(config.params[MySQLOption.readTimeout.rawValue] ?? "") ?? Self.defaultReadTimeout
        var writeTimeout = UInt32(config.params[MySQLOption.writeTimeout.rawValue] ?? "") ?? Self.defaultWriteTimeout
        setOption(handle, MYSQL_OPT_READ_TIMEOUT, &readTimeout)
        setOption(handle, MYSQL_OPT_WRITE_TIMEOUT, &writeTimeout)
        // The server may ask for local files at any reply, also while connecting: the gate answers every
        // request, and the library refuses them outright except while a load of sqlpipe's own runs.
        infile = LocalInfileGate()
        infile.install(on: handle)
        var refused: UInt32 = 0
        setOption(handle, MYSQL_OPT_LOCAL_INFILE, &refused)
        // Telling the server that this client may send local data is what lets the writer's LOAD DATA run.
        let localFiles = config.params[MySQLOption.localInfile.rawValue] == "0" ? 0 : UInt(CLIENT_LOCAL_FILES)

        var socket: String?
        for (key, value) in config.params {
            guard let option = MySQLOption(rawValue: key) else {
                mysql_close(handle)
                throw DriverError("unknown MySQL connection option '\(key)'")
            }
            switch option {
            case .sslCA: setOption(handle, MYSQL_OPT_SSL_CA, value)
            case .sslCert: setOption(handle, MYSQL_OPT_SSL_CERT, value)
            case .sslKey: setOption(handle, MYSQL_OPT_SSL_KEY, value)
            case .socket: socket = value
            case .localInfile, .readTimeout, .writeTimeout: break
            case .sslMode:
                guard let mode = MySQLSSLMode(rawValue: value.lowercased()) else {
                    mysql_close(handle)
                    throw DriverError(MySQLSSLMode.problem)
                }
                var enforce: CChar = mode.enforcesTLS ? 1 : 0
                var verify: CChar = mode.verifiesServer ? 1 : 0
                setOption(handle, MYSQL_OPT_SSL_ENFORCE, &enforce)
                setOption(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify)
            }
        }
        // Connector/C takes host "localhost" to mean its default socket and ignores the port: sqlpipe
        // speaks TCP unless a socket is named.
        var protocolChoice = UInt32(socket == nil ? MYSQL_PROTOCOL_TCP.rawValue : MYSQL_PROTOCOL_SOCKET.rawValue)
        setOption(handle, MYSQL_OPT_PROTOCOL, &protocolChoice)

        let connected = mysql_real_connect(
            handle, config.hostname, config.username, config.password, config.database,
            UInt32(config.port), socket, UInt(CLIENT_MULTI_STATEMENTS) | localFiles
        )
        guard connected != nil else {
            let message = String(cString: mysql_error(handle))
            let code = String(mysql_errno(handle))
            mysql_close(handle)
            throw DriverError(clientMessage: message, code: code, hiding: config.secrets)
        }
        self.handle = handle
        breaker = SocketBreaker(descriptor: Int32(truncatingIfNeeded: mysql_get_socket(handle)))
    }

    func serverVersion() throws -> String {
        String(cString: mysql_get_server_info(handle))
    }

    func query(_ sql: String, _ parameters: [String?]) throws -> [[String?]] {
        let statement = try MySQLStatement(session: self, sql: sql)
        defer { statement.close() }
        return try statement.rows(parameters)
    }

    func execute(_ sql: String) throws {
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else { throw lastError() }
        try discardResults()
    }

    /// Reads and frees every pending result of a multi-statement text; the first error is thrown.
    func discardResults() throws {
        while true {
            if let result = mysql_store_result(handle) { mysql_free_result(result) }
            let next = mysql_next_result(handle)
            if next == -1 { return }
            if next > 0 { throw lastError() }
        }
    }

    func openReader(_ query: String) throws -> any RowReader {
        try MySQLReader(session: self, query: query)
    }

    func tableColumns(_ table: TableName) throws -> [TableColumn]? {
        let rows = try query(
            """
            SELECT column_name, column_type FROM information_schema.columns
            WHERE table_schema = COALESCE(NULLIF(?, ''), DATABASE()) AND table_name = ?
            ORDER BY ordinal_position
            """, [table.schema, table.name])
        return rows.isEmpty ? nil : rows.map { TableColumn(name: $0[0] ?? "", typeName: $0[1] ?? "") }
    }

    /// MyISAM, Aria, MEMORY and the like keep every row the moment it is written: a failed load could not
    /// be undone.
    func appendCannotRollBack(_ table: TableName) throws -> String? {
        let engine = try query(
            """
            SELECT t.engine, COALESCE(e.transactions, 'NO') FROM information_schema.tables t
            LEFT JOIN information_schema.engines e ON e.engine = t.engine
            WHERE t.table_schema = COALESCE(NULLIF(?, ''), DATABASE()) AND t.table_name = ?
            """, [table.schema, table.name]
        ).first
        guard let engine, let name = engine[0], engine[1] != "YES" else { return nil }
        return "its engine \(name) has no transactions, so a failed load could not be rolled back"
    }

    func bulkWriter(into table: TableName, columns: [ColumnDescription]) throws -> any RowWriter {
        MySQLWriter(session: self, table: table, columns: columns)
    }

    func canceller() -> any QueryCanceller {
        MySQLCanceller(config: config, threadID: mysql_thread_id(handle), prepared: true, breaker: breaker)
    }

    /// A canceller that connects only when asked, for a single cancel now.
    func immediateCanceller() -> MySQLCanceller {
        MySQLCanceller(config: config, threadID: mysql_thread_id(handle), prepared: false, breaker: breaker)
    }

    /// Runs `body` with the server's requests for `name` answered from `fill`, and every other refused.
    func withLocalStream<Result>(
        named name: String, fill: @escaping (UnsafeMutablePointer<CChar>, Int) -> Int32,
        failure: @escaping () -> String?, run body: () throws -> Result
    ) rethrows -> Result {
        infile.open(name: name, fill: fill, failure: failure)
        var allowed: UInt32 = 1
        setOption(handle, MYSQL_OPT_LOCAL_INFILE, &allowed)
        defer {
            var refused: UInt32 = 0
            setOption(handle, MYSQL_OPT_LOCAL_INFILE, &refused)
            infile.close()
        }
        return try body()
    }

    func close() {
        breaker.detach()
        mysql_close(handle)
    }

    func lastError() -> DriverError {
        DriverError(clientMessage: String(cString: mysql_error(handle)), code: String(mysql_errno(handle)))
    }
}

/// Answers the server's requests for local files. A server may ask for any file at any reply (a hostile
/// one does, to read the host's files); Connector/C's own handler would open and send it. This one is
/// installed for the whole session and serves only the stream of sqlpipe's own LOAD DATA, by the name that
/// load chose, while it runs; every other request is refused and nothing is sent.
final class LocalInfileGate {
    private var streamName: String?
    private var fill: ((UnsafeMutablePointer<CChar>, Int) -> Int32)?
    private var failure: (() -> String?)?
    private var refusal: String?

    func install(on handle: UnsafeMutablePointer<MYSQL>) {
        mysql_set_local_infile_handler(
            handle,
            { state, filename, gate in
                state?.pointee = gate
                let requested = filename.map { String(cString: $0) } ?? ""
                return Unmanaged<LocalInfileGate>.fromOpaque(gate!).takeUnretainedValue().admit(requested) ? 0 : 1
            },
            { gate, buffer, length in
                Unmanaged<LocalInfileGate>.fromOpaque(gate!).takeUnretainedValue().read(into: buffer!, Int(length))
            },
            { _ in },
            { gate, message, length in
                let text =
                    gate.map { Unmanaged<LocalInfileGate>.fromOpaque($0).takeUnretainedValue().errorText }
                    ?? "sqlpipe refused the server's request for a local file"
                if let message, length > 0 {
                    _ = text.withCString { strncpy(message, $0, Int(length) - 1) }
                    message[Int(length) - 1] = 0
                }
                return 2000
            },
            Unmanaged.passUnretained(self).toOpaque())
    }

    func open(
        name: String, fill: @escaping (UnsafeMutablePointer<CChar>, Int) -> Int32, failure: @escaping () -> String?
    ) {
        streamName = name
        self.fill = fill
        self.failure = failure
        refusal = nil
    }

    func close() {
        streamName = nil
        fill = nil
        failure = nil
    }

    private func admit(_ requested: String) -> Bool {
        guard let streamName, requested == streamName, fill != nil else {
            refusal = "sqlpipe refused the server's request for the local file '\(requested.prefix(200))'"
            return false
        }
        return true
    }

    private func read(into buffer: UnsafeMutablePointer<CChar>, _ capacity: Int) -> Int32 {
        fill?(buffer, capacity) ?? -1
    }

    private var errorText: String {
        refusal ?? failure?() ?? "sqlpipe stopped the load"
    }
}

/// Stops the running statement of a session from another connection, as `KILL QUERY` must.
///
/// A canceller handed out for a run (`prepared`) opens that connection at once, on a thread of its own, so
/// that a cancel is one statement away: connecting when asked costs a busy server seconds.
final class MySQLCanceller: QueryCanceller, @unchecked Sendable {
    let config: ConnectionConfig
    let threadID: UInt
    private let breaker: SocketBreaker
    private let condition = NSCondition()
    private var connecting = false
    private var killer: MySQLSession?

    init(config: ConnectionConfig, threadID: UInt, prepared: Bool, breaker: SocketBreaker) {
        self.config = config
        self.threadID = threadID
        self.breaker = breaker
        guard prepared else { return }
        connecting = true
        Thread.detachNewThread { [self] in
            let session = try? MySQLSession(config: config, timeoutSeconds: 5)
            condition.lock()
            killer = session
            connecting = false
            condition.broadcast()
            condition.unlock()
        }
    }

    func cancel() {
        condition.lock()
        while connecting { condition.wait() }
        let ready = killer
        killer = nil
        condition.unlock()
        guard let session = ready ?? (try? MySQLSession(config: config, timeoutSeconds: 5)) else { return }
        defer { session.close() }
        // The thread id is the server's own number for our session, not user input.
        try? session.execute("KILL QUERY \(threadID)")
    }

    func abort() {
        breaker.breakConnection()
    }

    deinit {
        // The connecting thread holds a reference until it is done, so none is under way here.
        killer?.close()
    }
}

/// A prepared statement with text parameters and text results, for sqlpipe's own catalogue queries.
final class MySQLStatement {
    private let session: MySQLSession
    private let statement: UnsafeMutablePointer<MYSQL_STMT>
    var statementHandle: UnsafeMutablePointer<MYSQL_STMT> { statement }

    init(session: MySQLSession, sql: String) throws {
        guard let statement = mysql_stmt_init(session.handle) else { throw session.lastError() }
        self.session = session
        self.statement = statement
        guard mysql_stmt_prepare(statement, sql, UInt(sql.utf8.count)) == 0 else {
            let error = self.error()
            mysql_stmt_close(statement)
            throw error
        }
    }

    func error() -> DriverError {
        DriverError(
            clientMessage: String(cString: mysql_stmt_error(statement)), code: String(mysql_stmt_errno(statement)))
    }

    /// Binds `values` as strings (nil as NULL) and runs `body` while the bindings are alive.
    func withBoundParameters<Result>(_ values: [String?], _ body: () throws -> Result) throws -> Result {
        try withBoundBytes(values.map { $0.map { Array($0.utf8) } }, binary: [], body)
    }

    /// Binds raw values (nil as NULL); those marked in `binary` go as BLOBs, the others as strings.
    func withBoundBytes<Result>(_ values: [[UInt8]?], binary: [Bool], _ body: () throws -> Result) throws -> Result {
        let count = values.count
        let binds = UnsafeMutablePointer<MYSQL_BIND>.allocate(capacity: max(1, count))
        binds.initialize(repeating: MYSQL_BIND(), count: max(1, count))
        let lengths = UnsafeMutablePointer<UInt>.allocate(capacity: max(1, count))
        let nulls = UnsafeMutablePointer<my_bool>.allocate(capacity: max(1, count))
        let copies: [UnsafeMutableRawPointer?] = values.map { value in
            guard let value else { return nil }
            let copy = UnsafeMutableRawPointer.allocate(byteCount: max(1, value.count), alignment: 1)
            value.withUnsafeBytes {
                copy.copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(copy), byteCount: value.count)
            }
            return copy
        }
        defer {
            for copy in copies { copy?.deallocate() }
            binds.deallocate()
            lengths.deallocate()
            nulls.deallocate()
        }
        for index in 0..<count {
            lengths[index] = UInt(values[index]?.count ?? 0)
            nulls[index] = values[index] == nil ? 1 : 0
            binds[index].buffer_type = index < binary.count && binary[index] ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING
            binds[index].buffer = copies[index]
            binds[index].buffer_length = lengths[index]
            binds[index].length = lengths + index
            binds[index].is_null = nulls + index
        }
        if count > 0, mysql_stmt_bind_param(statement, binds) != 0 { throw error() }
        return try body()
    }

    func rows(_ parameters: [String?]) throws -> [[String?]] {
        try withBoundParameters(parameters) {
            guard mysql_stmt_execute(statement) == 0 else { throw error() }
            guard let metadata = mysql_stmt_result_metadata(statement) else { return [] }
            defer { mysql_free_result(metadata) }
            let columns = Int(mysql_num_fields(metadata))
            guard mysql_stmt_store_result(statement) == 0 else { throw error() }
            let capacity = 4096
            let binds = UnsafeMutablePointer<MYSQL_BIND>.allocate(capacity: columns)
            binds.initialize(repeating: MYSQL_BIND(), count: columns)
            let buffers = UnsafeMutablePointer<CChar>.allocate(capacity: columns * capacity)
            let lengths = UnsafeMutablePointer<UInt>.allocate(capacity: columns)
            let nulls = UnsafeMutablePointer<my_bool>.allocate(capacity: columns)
            defer {
                binds.deallocate()
                buffers.deallocate()
                lengths.deallocate()
                nulls.deallocate()
            }
            for column in 0..<columns {
                binds[column].buffer_type = MYSQL_TYPE_STRING
                binds[column].buffer = UnsafeMutableRawPointer(buffers + column * capacity)
                binds[column].buffer_length = UInt(capacity)
                binds[column].length = lengths + column
                binds[column].is_null = nulls + column
            }
            guard mysql_stmt_bind_result(statement, binds) == 0 else { throw error() }
            var rows: [[String?]] = []
            while true {
                let status = mysql_stmt_fetch(statement)
                if status == MYSQL_NO_DATA { break }
                if status == 1 { throw error() }
                var row: [String?] = []
                for column in 0..<columns {
                    if nulls[column] != 0 {
                        row.append(nil)
                    } else if lengths[column] <= UInt(capacity) {
                        row.append(
                            String(
                                decoding: UnsafeRawBufferPointer(
                                    start: buffers + column * capacity, count: Int(lengths[column])), as: UTF8.self))
                    } else {
                        // Longer than the buffer: fetch this column again into one of its full size.
                        var whole = [UInt8](repeating: 0, count: Int(lengths[column]))
                        var single = MYSQL_BIND()
                        var length: UInt = 0
                        single.buffer_type = MYSQL_TYPE_STRING
                        single.buffer_length = UInt(whole.count)
                        let fetched = withUnsafeMutablePointer(to: &length) { lengthPointer in
                            whole.withUnsafeMutableBytes { pointer -> Int32 in
                                single.length = lengthPointer
                                single.buffer = pointer.baseAddress
                                return mysql_stmt_fetch_column(statement, &single, UInt32(column), 0)
                            }
                        }
                        guard fetched == 0 else { throw error() }
                        row.append(String(decoding: whole, as: UTF8.self))
                    }
                }
                rows.append(row)
            }
            return rows
        }
    }

    /// The columns the statement would return, from its metadata, without running it.
    func resultFields() -> [(name: String, type: enum_field_types)]? {
        guard let metadata = mysql_stmt_result_metadata(statement) else { return nil }
        defer { mysql_free_result(metadata) }
        let count = Int(mysql_num_fields(metadata))
        guard let fields = mysql_fetch_fields(metadata) else { return nil }
        return (0..<count).map { (String(cString: fields[$0].name), fields[$0].type) }
    }

    func close() {
        mysql_stmt_close(statement)
    }
}

/// Options are set before connecting; a refused one shows up as the connect error that follows.
private func setOption(_ handle: UnsafeMutablePointer<MYSQL>, _ option: mysql_option, _ value: UnsafeRawPointer?) {
    _ = mysql_options(handle, option, value)
}
