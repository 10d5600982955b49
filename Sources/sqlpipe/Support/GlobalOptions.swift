import ArgumentParser
import Foundation
import SQLPipeCore

/// The options every command takes: which store, and JSON or human output.
struct GlobalOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            """
            The metadata store: a SQLite file, or postgresql://user@host:port/db[?schema=NAME] for one store \
            that several servers share (default: $SQLPIPE_STORE, else $XDG_DATA_HOME/sqlpipe/sqlpipe.db).
            """,
            valueName: "path-or-url"),
        completion: .file())
    var store: String?

    @Option(
        help: ArgumentHelp(
            """
            The environment variable that holds the PostgreSQL store's password (default: \
            $SQLPIPE_STORE_PASSWORD_ENV; else libpq's PGPASSWORD or ~/.pgpass).
            """,
            valueName: "name"))
    var storePasswordEnv: String?

    @Flag(help: "Print the API's JSON on stdout instead of a table.")
    var json = false

    @Flag(
        help: """
            Print nothing but errors (for cron): no summary, confirmation, warning or progress; the exit status \
            is the same. What was asked for still prints: rows of a query, lists, --json.
            """)
    var quiet = false

    /// How this command prints what it produced.
    var output: Output { Output(json: json, quiet: quiet) }

    var storePath: String {
        if let store, !store.isEmpty { return store }
        if let fromEnvironment = ProcessInfo.processInfo.environment["SQLPIPE_STORE"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return MetadataStore.defaultPath()
    }

    func open() async throws -> SQLPipe {
        try await SQLPipe.open(storePath: storePath, passwordVariable: storePasswordVariable)
    }

    /// `--store-password-env`, else `$SQLPIPE_STORE_PASSWORD_ENV` for a PostgreSQL store (a file store has
    /// no password: the variable, set for another store, is no error then).
    var storePasswordVariable: String? {
        if let storePasswordEnv, !storePasswordEnv.isEmpty { return storePasswordEnv }
        guard PostgresStoreAddress.isURL(storePath) else { return nil }
        let fromEnvironment = ProcessInfo.processInfo.environment["SQLPIPE_STORE_PASSWORD_ENV"]
        return fromEnvironment.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// Paging of list commands, as the API's `page`, `page_size` and `sort`.
struct ListOptions: ParsableArguments {
    @Option(help: "The page to show, from 1.")
    var page: Int = 1

    @Option(help: "Records per page, 1 to \(PageRequest.maximumPageSize).")
    var pageSize: Int = 20

    @Option(help: "Order: id, created_at, -id or -created_at (descending).")
    var sort: PageRequest.Sort = .id

    func request() throws -> PageRequest {
        try PageRequest(page: page, pageSize: pageSize, sort: sort.rawValue)
    }
}

extension PageRequest.Sort: ExpressibleByArgument {}
