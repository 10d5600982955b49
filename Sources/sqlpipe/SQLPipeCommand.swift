import ArgumentParser
import SQLPipeCore

@main
struct SQLPipeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sqlpipe",
        abstract: "Move data between PostgreSQL, MySQL/MariaDB and SQLite.",
        discussion: """
            Connections and users live in a metadata store: a local file (--store, or $SQLPIPE_STORE, or \
            $XDG_DATA_HOME/sqlpipe/sqlpipe.db), or a PostgreSQL database that several servers share \
            (--store postgresql://…). Every command takes --json to print the API's JSON, and \
            --quiet (for cron) to print only errors, on stderr, with the same exit status: a transfer's summary, \
            confirmations and warnings are left out, while a query's rows, lists and --json still print.
            """,
        version: BuildInfo.versionLine(version: SQLPipe.version),
        subcommands: [
            TransferCommand.self, ReplicationCommand.self, QueryCommand.self, ConnectionCommand.self, UserCommand.self,
            ServeCommand.self, StoreCommand.self,
        ]
    )

    /// ArgumentParser's own main, except that the services' errors are printed with their control
    /// characters escaped: their messages quote what databases and API users wrote.
    static func main() async {
        SQLPipe.configureProcess()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as SQLPipeError {
            printError("Error: " + error.description)
            exit(withError: ExitCode.failure)
        } catch {
            exit(withError: error)
        }
    }
}
