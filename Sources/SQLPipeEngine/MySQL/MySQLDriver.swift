import CMariaDB
import Foundation

public struct MySQLDriver: DatabaseDriver {
    public init() {}

    public var supportedParams: [String: String] {
        [
            "ssl_mode": "disabled, preferred, required or verify_identity",
            "ssl_ca": "path of the CA certificate file",
            "ssl_cert": "path of the client certificate file",
            "ssl_key": "path of the client key file",
            "socket": "path of a Unix socket to use instead of TCP",
        ]
    }

    public func open(_ config: ConnectionConfig, timeoutSeconds: Int) throws -> any DatabaseSession {
        try MySQLSession(config: config, timeoutSeconds: timeoutSeconds)
    }
}

/// mysql_library_init is not thread-safe: it runs once, before the first handle is made.
private let mysqlLibraryReady: Bool = mysql_server_init(0, nil, nil) == 0

/// One MariaDB Connector/C connection. It is the only owner of its `MYSQL` handle.
final class MySQLSession: DatabaseSession {
    private let handle: UnsafeMutablePointer<MYSQL>

    init(config: ConnectionConfig, timeoutSeconds: Int) throws {
        guard mysqlLibraryReady, let handle = mysql_init(nil) else {
            throw DriverError("the MariaDB client library could not be initialised")
        }
        var timeout = UInt32(max(1, timeoutSeconds))
        setOption(handle, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
        setOption(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        // Every session runs in UTC so that TIMESTAMP values are read and written as instants.
        setOption(handle, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'")
        var enabled: CChar = 1
        setOption(handle, MYSQL_OPT_LOCAL_INFILE, &enabled)

        var socket: String?
        for (key, value) in config.params {
            switch key {
            case "ssl_ca": setOption(handle, MYSQL_OPT_SSL_CA, value)
            case "ssl_cert": setOption(handle, MYSQL_OPT_SSL_CERT, value)
            case "ssl_key": setOption(handle, MYSQL_OPT_SSL_KEY, value)
            case "socket": socket = value
            case "ssl_mode":
                var enforce: CChar = 0
                var verify: CChar = 0
                switch value.lowercased() {
                case "disabled", "preferred": break
                case "required": enforce = 1
                case "verify_ca", "verify_identity":
                    enforce = 1
                    verify = 1
                default:
                    mysql_close(handle)
                    throw DriverError("ssl_mode must be disabled, preferred, required, verify_ca or verify_identity")
                }
                setOption(handle, MYSQL_OPT_SSL_ENFORCE, &enforce)
                setOption(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify)
            default:
                mysql_close(handle)
                throw DriverError("unknown MySQL connection option '\(key)'")
            }
        }
        // Connector/C takes host "localhost" to mean its default socket and ignores the port: sqlpipe
        // speaks TCP unless a socket is named.
        var protocolChoice = UInt32(socket == nil ? MYSQL_PROTOCOL_TCP.rawValue : MYSQL_PROTOCOL_SOCKET.rawValue)
        setOption(handle, MYSQL_OPT_PROTOCOL, &protocolChoice)

        let connected = mysql_real_connect(
            handle, config.hostname, config.username, config.password, config.database,
            UInt32(config.port), socket, UInt(CLIENT_MULTI_STATEMENTS) | UInt(CLIENT_LOCAL_FILES)
        )
        guard connected != nil else {
            let message = String(cString: mysql_error(handle))
            let code = String(mysql_errno(handle))
            mysql_close(handle)
            throw DriverError(clientMessage: message, code: code, hiding: config.password)
        }
        self.handle = handle
    }

    func serverVersion() throws -> String {
        String(cString: mysql_get_server_info(handle))
    }

    func scalar(_ sql: String) throws -> String? {
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else { throw lastError() }
        guard let result = mysql_store_result(handle) else {
            if mysql_field_count(handle) == 0 { return nil }
            throw lastError()
        }
        defer { mysql_free_result(result) }
        guard let row = mysql_fetch_row(result), mysql_num_fields(result) > 0, let first = row[0] else { return nil }
        let length = mysql_fetch_lengths(result)[0]
        return String(decoding: UnsafeRawBufferPointer(start: first, count: Int(length)), as: UTF8.self)
    }

    private func lastError() -> DriverError {
        DriverError(clientMessage: String(cString: mysql_error(handle)), code: String(mysql_errno(handle)), hiding: "")
    }

    func close() {
        mysql_close(handle)
    }
}

/// Options are set before connecting; a refused one shows up as the connect error that follows.
private func setOption(_ handle: UnsafeMutablePointer<MYSQL>, _ option: mysql_option, _ value: UnsafeRawPointer?) {
    _ = mysql_options(handle, option, value)
}
