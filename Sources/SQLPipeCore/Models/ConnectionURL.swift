import Foundation
import SQLPipeEngine

/// Reads a connection from a URL as psql and mysql users write them:
/// `postgres://user@host:port/db?sslmode=require`, `mysql://`, `mariadb://`, `sqlite:///path/to/file.db`.
public enum ConnectionURL {
    public static func parse(_ text: String) throws -> ConnectionInput {
        guard let schemeEnd = text.range(of: "://") else {
            throw SQLPipeError.badInput("url: expected scheme://..., e.g. postgres://user@host:5432/db")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let system: DataSystem
        switch scheme {
        case "postgres", "postgresql": system = .postgresql
        case "mysql": system = .mysql
        case "mariadb": system = .mariadb
        case "sqlite", "sqlite3", "file": system = .sqlite
        default:
            throw SQLPipeError.badInput("url: unknown scheme '\(scheme)' (use postgres, mysql, mariadb or sqlite)")
        }
        if system == .sqlite {
            // Everything after the scheme is the file path: sqlite:///abs/path or sqlite://relative/path.
            let rest = String(text[schemeEnd.upperBound...])
            let (path, query) = splitQuery(rest)
            guard let decoded = path.removingPercentEncoding, !decoded.isEmpty else {
                throw SQLPipeError.badInput("url: a sqlite URL needs a file path, e.g. sqlite:///var/data/app.db")
            }
            return ConnectionInput(dsType: system.rawValue, dbName: decoded, params: try params(query))
        }
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw SQLPipeError.badInput("url: cannot read '\(redacted(text))' as scheme://user@host:port/database")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw SQLPipeError.badInput(
                "url: the database name is missing after the host, e.g. \(scheme)://user@\(host)/mydb")
        }
        var input = ConnectionInput(
            dsType: system.rawValue, hostname: host, port: components.port ?? system.defaultPort,
            dbName: database.removingPercentEncoding ?? database,
            username: components.user?.removingPercentEncoding, params: nil,
            password: components.password?.removingPercentEncoding)
        let query = components.percentEncodedQuery
        if let query, !query.isEmpty { input.params = try params(query) }
        return input
    }

    /// Whether the URL carries a password (which then shows in process lists and shell history).
    public static func hasPassword(_ text: String) -> Bool {
        URLComponents(string: text)?.password != nil
    }

    /// The URL with its password masked, for messages.
    public static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "********"
        return components.string ?? "(url)"
    }

    private static func splitQuery(_ text: String) -> (String, String?) {
        guard let mark = text.firstIndex(of: "?") else { return (text, nil) }
        return (String(text[..<mark]), String(text[text.index(after: mark)...]))
    }

    private static func params(_ query: String?) throws -> [String: String]? {
        guard let query, !query.isEmpty else { return nil }
        var params: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let key = parts[0].removingPercentEncoding,
                let value = parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            else {
                throw SQLPipeError.badInput("url: cannot read the option '\(pair)' (expected key=value)")
            }
            params[key] = value
        }
        return params
    }
}
