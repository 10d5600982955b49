import ArgumentParser
import Foundation
import SQLPipeCore

extension StoreCommand {
    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a SQLite store file into an empty PostgreSQL store, for several servers to share.",
            discussion: """
                Every record moves with its id: users, connections, replications and their runs, transfers and \
                queries. The target must be empty (a new schema: ?schema=NAME). Its key is SQLPIPE_SECRET_KEY, \
                which every server on it needs; the source's is its key file (FILE.key), else \
                SQLPIPE_SECRET_KEY, else --from-key-env. Passwords are sealed again only when the two keys \
                differ. Stop the servers on the file first: work that runs during the copy is not in it.

                Example:
                  export SQLPIPE_SECRET_KEY=$(openssl rand -base64 32) PGPASSWORD=...
                  sqlpipe store copy --from ~/.local/share/sqlpipe/sqlpipe.db --to postgresql://sqlpipe@db:5432/ops
                """)

        @Option(help: ArgumentHelp("The SQLite store file to copy.", valueName: "file"), completion: .file())
        var from: String

        @Option(
            help: ArgumentHelp("The PostgreSQL store: postgresql://user@host:port/db[?schema=NAME].", valueName: "url"))
        var to: String

        @Option(
            help: ArgumentHelp(
                "The environment variable that holds the target's password (else PGPASSWORD or ~/.pgpass).",
                valueName: "name"))
        var toPasswordEnv: String?

        @Option(
            help: ArgumentHelp(
                "The environment variable that holds the source's key, when it has no key file.", valueName: "name"))
        var fromKeyEnv: String?

        @Flag(help: "Print nothing but errors.")
        var quiet = false

        func validate() throws {
            guard PostgresStoreAddress.isURL(to) else {
                throw ValidationError("--to must be a postgresql:// URL")
            }
            guard !PostgresStoreAddress.isURL(from) else {
                throw ValidationError("--from must be a store file, not a URL")
            }
        }

        func run() async throws {
            let report = try await StoreCopy.copy(
                from: from, to: to, passwordVariable: toPasswordEnv, sourceKeyVariable: fromKeyEnv)
            let counts = report.counts.map { "\($0.records) \($0.table)" }.joined(separator: ", ")
            let target = try PostgresStoreAddress(to, environment: [:]).description
            let keys = report.resealed ? "passwords sealed again with SQLPIPE_SECRET_KEY" : "passwords kept as sealed"
            try Output(json: false, quiet: quiet).message("copied \(counts) from \(from) to \(target) (\(keys))")
        }
    }
}
