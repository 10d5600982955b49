import ArgumentParser
import Foundation
import SQLPipeCore

/// The fields of a connection, shared by `create` and `update`. A URL fills them all at once; a field
/// given by its own flag wins over the URL.
struct ConnectionFields: ParsableArguments {
    @Option(help: "The connection's unique name.")
    var name: String?

    @Option(
        help: ArgumentHelp(
            "All fields at once: postgres://user@host:5432/db?sslmode=require, mysql://, mariadb:// or sqlite:///path/file.db.",
            valueName: "url"))
    var url: String?

    @Option(help: "postgresql, mysql, mariadb or sqlite.")
    var dsType: DataSystem?

    @Option(name: [.customLong("host"), .customLong("hostname")], help: "The server's host name or address.")
    var hostname: String?

    @Option(help: "The server's port (default 5432 for PostgreSQL, 3306 for MySQL/MariaDB).")
    var port: Int?

    @Option(
        name: [.customLong("db-name"), .customLong("database")],
        help: "The database name, or the file path for SQLite.", completion: .file())
    var dbName: String?

    @Option(help: "The user to connect as.")
    var username: String?

    @Option(help: "An account id, kept with the connection (unused by these systems).")
    var accountId: String?

    @Option(
        name: .customLong("param"),
        help: ArgumentHelp(
            "A driver option as key=value, e.g. sslmode=require (repeatable; on update, replaces all options).",
            valueName: "key=value"))
    var params: [String] = []

    @Flag(help: "Remove every driver option (on update).")
    var clearParams = false

    func validate() throws {
        if clearParams && !params.isEmpty { throw ValidationError("Give either --param or --clear-params, not both.") }
        for param in params where !param.contains("=") {
            throw ValidationError("--param takes key=value, got '\(param)'.")
        }
    }

    /// The fields given on the command line; `fillDefaults` adds the system's usual port (for create).
    /// `storedSystem` is the system of the connection being updated, for a relative SQLite path.
    func input(fillDefaults: Bool, storedSystem: DataSystem? = nil) throws -> ConnectionInput {
        var input = ConnectionInput()
        if let url {
            input = try ConnectionURL.parse(url)
            if ConnectionURL.hasPassword(url) {
                printError(
                    "warning: a password in --url shows in process lists and shell history; prefer --password-env or --password-stdin"
                )
            }
        }
        if let name { input.name = name }
        if let dsType { input.dsType = dsType.rawValue }
        if let hostname { input.hostname = hostname }
        if let port { input.port = port }
        if let dbName { input.dbName = dbName }
        if let username { input.username = username }
        if let accountId { input.accountId = accountId }
        if !params.isEmpty {
            var parsed: [String: String] = [:]
            for param in params {
                let parts = param.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                parsed[String(parts[0])] = String(parts[1])
            }
            input.params = parsed
        }
        if clearParams { input.params = [:] }
        let system = input.dsType.flatMap(DataSystem.init(rawValue:)) ?? storedSystem
        if fillDefaults, input.port == nil, let system { input.port = system.defaultPort }
        // A relative SQLite path would mean another file to a process started elsewhere (a server, cron).
        if system == .sqlite, let path = input.dbName, !path.isEmpty, !path.hasPrefix("/"), path != ":memory:" {
            input.dbName = URL(fileURLWithPath: path).standardizedFileURL.path
        }
        return input
    }
}
