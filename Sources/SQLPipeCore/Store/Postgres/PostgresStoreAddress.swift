import CLibPQ
import Foundation

/// Where a PostgreSQL store is: a `postgresql://` URL as libpq reads it, less `schema=` (sqlpipe's own,
/// `sqlpipe` by default). The password is never part of it: it comes from `PGPASSWORD`, `~/.pgpass` (libpq
/// reads both) or the variable `--store-password-env` names, so that it shows in no process list.
public struct PostgresStoreAddress: Sendable, Equatable, CustomStringConvertible {
    public static let defaultSchema = "sqlpipe"

    /// The URL without `schema=`, as libpq gets it.
    let url: String
    public let schema: String
    let password: String?
    /// The URL as messages show it.
    public let description: String

    /// Whether `text` names a PostgreSQL store rather than a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(_ text: String, passwordVariable: String? = nil, environment: [String: String]) throws {
        var schema = Self.defaultSchema
        var kept: [Substring] = []
        let parts = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            for item in parts[1].split(separator: "&") {
                if item.hasPrefix("schema=") {
                    schema = String(item.dropFirst("schema=".count)).removingPercentEncoding ?? ""
                } else {
                    kept.append(item)
                }
            }
        }
        guard !schema.isEmpty, schema.utf8.count <= 63 else {
            throw SQLPipeError.store("the store URL's schema= must name a schema of 1 to 63 bytes")
        }
        let url = String(parts[0]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        try Self.refusePassword(in: url)
        if let passwordVariable {
            guard let value = environment[passwordVariable], !value.isEmpty else {
                throw SQLPipeError.store(
                    "--store-password-env names \(passwordVariable), which is not set: export it with the store's password"
                )
            }
            password = value
        } else {
            password = nil
        }
        self.url = url
        self.schema = schema
        description = String(parts[0]) + (schema == Self.defaultSchema ? "" : "?schema=\(schema)")
    }

    /// libpq's own parse of the URL: a password in it (or a URL libpq cannot read) is refused before any
    /// connection is tried.
    private static func refusePassword(in url: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &error) else {
            let message = error.map { String(cString: $0) } ?? "not a connection URL"
            if let error { PQfreemem(error) }
            throw SQLPipeError.store(
                "the store URL cannot be read: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", option.pointee.val != nil {
                throw SQLPipeError.store(
                    "the store URL holds a password, which would show in process lists and shell histories: set PGPASSWORD, use ~/.pgpass, or name a variable with --store-password-env"
                )
            }
            option += 1
        }
    }

    /// The keywords libpq connects with: the URL (expanded by libpq), then bounds on every wait, the
    /// session settings the store's SQL relies on, and the password when one was given.
    var connectionSettings: [(String, String)] {
        var settings: [(String, String)] = [
            ("dbname", url),
            ("connect_timeout", "10"),
            ("keepalives", "1"), ("keepalives_idle", "30"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
            ("tcp_user_timeout", "30000"),
            ("fallback_application_name", "sqlpipe store"),
            ("client_encoding", "UTF8"),
            // UTC and ISO for the timestamps; bounded waits on locks and statements, and on a
            // transaction left open by a client that vanished.
            (
                "options",
                "-c TimeZone=UTC -c DateStyle=ISO -c lock_timeout=15000 -c statement_timeout=60000 "
                    + "-c idle_in_transaction_session_timeout=60000"
            ),
        ]
        if let password { settings.append(("password", password)) }
        return settings
    }
}
