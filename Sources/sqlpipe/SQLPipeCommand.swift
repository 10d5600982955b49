import ArgumentParser
import SQLPipeCore

@main
struct SQLPipeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sqlpipe",
        abstract: "Move data between PostgreSQL, MySQL/MariaDB and SQLite.",
        discussion: """
            Connections and users live in a local metadata store (--store, or $SQLPIPE_STORE, or \
            $XDG_DATA_HOME/sqlpipe/sqlpipe.db). Every command takes --json to print the API's JSON.
            """,
        version: SQLPipe.version,
        subcommands: [TransferCommand.self, QueryCommand.self, ConnectionCommand.self, UserCommand.self, ServeCommand.self]
    )
}
