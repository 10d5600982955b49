import ArgumentParser
import Foundation
import SQLPipeCore

extension QueryCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Run SQL on a connection now and print every row (or queue it for `sqlpipe serve` with --detach).",
            discussion: """
                Several statements run in order and stop at the first error. Every row of every result is printed; \
                the store keeps the first 1,000 rows (at most 1 MiB) of the last result. Exit status: 0 complete, \
                1 failed, 130 interrupted (the statement is cancelled on the server).

                Formats (see docs/queries.md for the exact escaping):
                  table  aligned columns for reading (default)
                  csv    RFC 4180; NULL is an empty field, the empty string is ""
                  tsv    tab-separated; NULL is \\N; backslash, tab, newline and CR escaped as \\\\ \\t \\n \\r
                  json   one array of objects per result

                Example:
                  sqlpipe query create -c warehouse -q 'select * from orders' --format csv > orders.csv
                """)

        @Option(name: [.short, .long], help: "The connection's id or name.")
        var connection: String
        @OptionGroup var sql: QueryText
        @Option(help: "table, csv, tsv or json.")
        var format: QueryFormat = .table
        @Flag(help: "Only queue it: a running `sqlpipe serve` on the same store runs it.")
        var detach = false
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            try sql.requireGiven()
        }

        func run() async throws {
            let sqlpipe = try await global.open()
            let connectionID = try await sqlpipe.connections.get(connection).id
            let input = QueryInput(connectionId: connectionID, query: try sql.text())
            if detach {
                let created = try await sqlpipe.queries.create(input, by: .machine)
                try global.output.queued("query", created, id: created.id)
                return
            }
            // With --json the query resource is the output; the rows are then only in its preview.
            let printer = global.json ? nil : ResultPrinter(format: format)
            // Stored already claimed by this process, so that a running server does not take it too.
            let (finished, cancelledStatus) = try await ForegroundRun.run { control in
                try await sqlpipe.queries.runNow(input, by: .machine, control: control, output: printer)
            }
            printer?.flush()
            if global.json {
                try Output(json: true).one("query", finished, fields: [])
            }
            switch finished.status {
            case .complete:
                if let affected = finished.rowsAffected, !global.json {
                    global.output.remark("\(affected) rows affected")
                }
            case .cancelled:
                printError("query \(finished.id) cancelled")
                throw ExitCode(cancelledStatus)
            default:
                printError("Error: query \(finished.id) failed: \(finished.error ?? "unknown error")")
                throw ExitCode.failure
            }
        }
    }
}

enum QueryFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, tsv, json
}
