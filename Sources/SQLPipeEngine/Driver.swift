import Foundation

/// An open session on one database. Each session owns its C handle; it is used by one task at a time.
public protocol DatabaseSession: AnyObject {
    /// The server's version string, e.g. "PostgreSQL 15.18" or "10.11.6-MariaDB".
    func serverVersion() throws -> String
    /// Runs a fixed statement of sqlpipe's own and returns the first column of its first row as text.
    /// Never for user input: values are bound or streamed, not spliced.
    func scalar(_ sql: String) throws -> String?
    func close()
}

/// A driver opens sessions on one kind of database and knows which options its client library takes.
public protocol DatabaseDriver: Sendable {
    /// Options that the `params` of a connection may hold, with a short description each.
    var supportedParams: [String: String] { get }
    func open(_ config: ConnectionConfig, timeoutSeconds: Int) throws -> any DatabaseSession
}

public enum Drivers {
    public static func driver(for system: DataSystem) -> any DatabaseDriver {
        switch system {
        case .postgresql: PostgresDriver()
        case .mysql, .mariadb: MySQLDriver()
        case .sqlite: SQLiteDriver()
        }
    }

    /// Opens a session, asks the server for its version and closes it again: the check behind
    /// `connection test`. Throws the server's own message when it cannot connect.
    public static func check(_ config: ConnectionConfig, timeoutSeconds: Int = 5) throws -> String {
        let session = try driver(for: config.system).open(config, timeoutSeconds: timeoutSeconds)
        defer { session.close() }
        return try session.serverVersion()
    }
}
