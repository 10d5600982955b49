/// The database systems sqlpipe can read from and write to.
public enum DataSystem: String, Codable, CaseIterable, Sendable {
    case postgresql
    case mysql
    case mariadb
    case sqlite

    /// The port a server of this system listens on unless told otherwise.
    public var defaultPort: Int? {
        switch self {
        case .postgresql: 5432
        case .mysql, .mariadb: 3306
        case .sqlite: nil
        }
    }

    /// SQLite is a file: it has no server, so no host, port or user.
    public var isServer: Bool { self != .sqlite }

    public var displayName: String {
        switch self {
        case .postgresql: "PostgreSQL"
        case .mysql: "MySQL"
        case .mariadb: "MariaDB"
        case .sqlite: "SQLite"
        }
    }
}
