import ArgumentParser
import Foundation
import SQLPipeCore

extension TransferCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a transfer now, in the foreground (or queue it for `sqlpipe serve` with --detach).",
            discussion: """
                The target table is created when missing. A failed or cancelled transfer (Ctrl-C) leaves the \
                target as it was. Exit status: 0 complete, 1 failed, 130 interrupted.

                Modes (--mode; docs/sync.md tells what each guarantees and what it cannot see):
                  append       add the rows, in one transaction (the default)
                  overwrite    load a new table and swap it in at the end (also: --overwrite)
                  truncate     replace every row in one transaction, keeping the table itself
                  upsert       update the rows whose --primary-key is in the table, insert the others
                               (--delete-missing: also delete the rows whose key the result lacks)
                  incremental  read only the source rows past the target's largest --cursor-column
                               value; upserted with --primary-key, else appended

                Examples:
                  sqlpipe transfer create --source warehouse --target local --query 'select * from orders' \\
                    --target-table orders --overwrite
                  sqlpipe transfer create --source shop --target warehouse --query 'select * from orders' \\
                    --target-table orders --mode upsert --primary-key id --delete-missing
                  sqlpipe transfer create --source shop --target warehouse --query 'select * from events' \\
                    --target-table events --mode incremental --cursor-column created_at --primary-key id
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
        @Option(help: ArgumentHelp("How the rows change the table; without it, append", valueName: "mode"))
        var mode: TransferMode?
        @Flag(help: "The same as --mode overwrite: replace the table (atomically) instead of appending.")
        var overwrite = false
        @Option(
            help: ArgumentHelp(
                """
                The key columns: what upsert and incremental match rows by, and the PRIMARY KEY of a table the \
                transfer creates. Repeat it or separate the columns with commas; a name that holds a comma cannot \
                be given here (the API takes an array).
                """, valueName: "column[,column…]"))
        var primaryKey: [String] = []
        @Flag(help: "With --mode upsert: also delete the target's rows whose key the result lacks.")
        var deleteMissing = false
        @Option(
            help: ArgumentHelp(
                "With --mode incremental: the column whose largest value in the target says where to go on.",
                valueName: "column"))
        var cursorColumn: String?
        @Flag(help: "Only queue it: a running `sqlpipe serve` on the same store runs it.")
        var detach = false
        @OptionGroup var global: GlobalOptions

        /// `--overwrite` is a spelling of `--mode overwrite`.
        var chosenMode: TransferMode { overwrite ? .overwrite : mode ?? .append }

        /// The columns of every `--primary-key`, split at commas.
        var keyColumns: [String] {
            primaryKey.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }

        func validate() throws {
            if overwrite, let mode, mode != .overwrite {
                throw ValidationError("--overwrite is --mode overwrite: it cannot be combined with --mode \(mode).")
            }
            if keyColumns.contains(where: \.isEmpty) {
                throw ValidationError(
                    "--primary-key: a column name is empty (in '\(primaryKey.joined(separator: ","))').")
            }
            switch chosenMode {
            case .upsert where keyColumns.isEmpty:
                throw ValidationError("--mode upsert needs --primary-key: the columns whose values identify a row.")
            case .incremental where cursorColumn == nil:
                throw ValidationError(
                    "--mode incremental needs --cursor-column: the column whose largest value in the target says where to go on."
                )
            default:
                break
            }
            if deleteMissing, chosenMode != .upsert {
                throw ValidationError(
                    chosenMode == .incremental
                        ? "--delete-missing cannot be used with --mode incremental: a run reads only the new rows, so every other row would look missing."
                        : "--delete-missing works only with --mode upsert.")
            }
            if cursorColumn != nil, chosenMode != .incremental {
                throw ValidationError("--cursor-column works only with --mode incremental.")
            }
        }

        func run() async throws {
            let sqlpipe = try await global.open()
            let sourceID = try await sqlpipe.connections.get(source).id
            let targetID = try await sqlpipe.connections.get(target).id
            let input = TransferInput(
                sourceID: sourceID, targetID: targetID, query: try sql.text(), targetSchema: targetSchema,
                targetTable: targetTable, mode: chosenMode, primaryKey: keyColumns, deleteMissing: deleteMissing,
                cursorColumn: cursorColumn)
            let output = global.output
            if detach {
                let created = try await sqlpipe.transfers.create(input, by: .machine)
                try output.queued("transfer", created, id: created.id)
                return
            }

            // Stored already claimed by this process, so that a running server does not take it too.
            let started = ContinuousClock.now
            let (finished, cancelledStatus) = try await ForegroundRun.run { control in
                try await ForegroundRun.withProgress(rows: { control.rowsTransferred }, shown: !global.quiet) {
                    try await sqlpipe.transfers.runNow(input, by: .machine, control: control)
                }
            }
            let seconds = (ContinuousClock.now - started).seconds
            // What earlier runs that died left in their targets goes now, after this run rather than before it.
            try? await sqlpipe.dropLeftovers()
            for warning in finished.warnings { output.remark("warning: \(warning)") }
            if global.json {
                try output.one("transfer", finished, fields: [])
            }
            switch finished.status {
            case .complete:
                if !global.json { output.confirmation(finished.summary(seconds: seconds)) }
            case .cancelled:
                printError("transfer \(finished.id) cancelled: \(finished.qualifiedTable) was left as it was")
                throw ExitCode(cancelledStatus)
            default:
                printError("Error: transfer \(finished.id) failed: \(finished.error ?? "unknown error")")
                throw ExitCode.failure
            }
        }
    }
}

extension TransferMode: ExpressibleByArgument {}

extension Transfer {
    /// The line a completed foreground run prints: the rows read and their rate, then what the target
    /// database counted, and an incremental run's cursor marks.
    func summary(seconds: Double) -> String {
        let rate = Int(Double(rowsTransferred) / max(seconds, 0.001))
        var line =
            "transfer \(id) complete: \(rowsTransferred.grouped) \(rowsTransferred == 1 ? "row" : "rows") read into \(qualifiedTable) in \(String(format: "%.2f", seconds)) s (\(rate.grouped) rows/s)"
        let counts = [(rowsInserted, "inserted"), (rowsUpdated, "updated"), (rowsDeleted, "deleted")]
            .compactMap { count, verb in count.map { "\($0.grouped) \(verb)" } }
        if !counts.isEmpty { line += ": " + counts.joined(separator: ", ") }
        if mode == .incremental {
            line += "; cursor \(cursorFrom ?? "none") → \(cursorTo ?? "none")"
        }
        return line
    }
}
