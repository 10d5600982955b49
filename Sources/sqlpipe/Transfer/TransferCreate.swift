import ArgumentParser
import Foundation
import SQLPipeCore

extension TransferCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a transfer now, in the foreground (or queue it for `sqlpipe serve` with --detach).",
            discussion: """
                The target table is created when missing. With --overwrite it is replaced atomically at the end; \
                without, the rows are appended in one transaction. A failed or cancelled transfer (Ctrl-C) leaves \
                the target as it was. Exit status: 0 complete, 1 failed, 130 interrupted.

                Example:
                  sqlpipe transfer create --source warehouse --target local --query 'select * from orders' \\
                    --target-table orders --overwrite
                """)

        @Option(help: "The source connection's id or name.")
        var source: String
        @Option(help: "The target connection's id or name.")
        var target: String
        @OptionGroup var sql: QueryText
        @Option(help: "The target schema (default: the connection's own; for SQLite an attached database).")
        var targetSchema: String = ""
        @Option(help: "The target table, created when missing. Taken as a name, whatever it contains.")
        var targetTable: String
        @Flag(help: "Replace the table's contents (atomically) instead of appending.")
        var overwrite = false
        @Flag(help: "Only queue it: a running `sqlpipe serve` on the same store runs it.")
        var detach = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let sqlpipe = try await global.open()
            let sourceID = try await sqlpipe.connections.get(source).id
            let targetID = try await sqlpipe.connections.get(target).id
            let input = TransferInput(
                sourceID: sourceID, targetID: targetID, query: try sql.text(), targetSchema: targetSchema,
                targetTable: targetTable, overwrite: overwrite)
            let output = Output(json: global.json)
            if detach {
                let created = try await sqlpipe.transfers.create(input, by: .machine)
                try output.queued("transfer", created, id: created.id)
                return
            }

            // Stored already claimed by this process, so that a running server does not take it too.
            let started = ContinuousClock.now
            let (finished, cancelledStatus) = try await ForegroundRun.run { control in
                try await ForegroundRun.withProgress(rows: { control.rowsTransferred }) {
                    try await sqlpipe.transfers.runNow(input, by: .machine, control: control)
                }
            }
            let seconds = (ContinuousClock.now - started).seconds
            // What earlier runs that died left in their targets goes now, after this run rather than before it.
            try? await sqlpipe.dropLeftovers()
            for warning in finished.warnings { printError("warning: \(warning)") }
            if global.json {
                try output.one("transfer", finished, fields: [])
            }
            let table =
                finished.targetSchema.isEmpty
                ? finished.targetTable : "\(finished.targetSchema).\(finished.targetTable)"
            switch finished.status {
            case .complete:
                if !global.json {
                    let rate = Int(Double(finished.rowsTransferred) / max(seconds, 0.001))
                    printLine(
                        "transfer \(finished.id) complete: \(finished.rowsTransferred.grouped) \(finished.rowsTransferred == 1 ? "row" : "rows") into \(table) in \(String(format: "%.2f", seconds)) s (\(rate.grouped) rows/s)"
                    )
                }
            case .cancelled:
                printError("transfer \(finished.id) cancelled: \(table) was left as it was")
                throw ExitCode(cancelledStatus)
            default:
                printError("Error: transfer \(finished.id) failed: \(finished.error ?? "unknown error")")
                throw ExitCode.failure
            }
        }
    }
}
