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

                Either end may be a file instead (docs/files.md): --source-file PATH in place of --source and \
                --query, --target-file PATH in place of --target and --target-table; - is standard input or \
                output. CSV, TSV and NDJSON, plain, gzip or zstd, by the name's extensions or --format and \
                --compression. A file read gets its column types inferred from its whole content (the first \
                10,000 rows of a pipe); --column NAME:TYPE sets one. A file written appears only once complete.

                Examples:
                  sqlpipe transfer create --source warehouse --target local --query 'select * from orders' \\
                    --target-table orders --overwrite
                  sqlpipe transfer create --source warehouse --query 'select * from orders' --target-file orders.csv.gz
                  curl -s https://example.com/data.csv | sqlpipe transfer create --source-file - --format csv \\
                    --target local --target-table data
                  sqlpipe transfer create --source shop --target warehouse --query 'select * from orders' \\
                    --target-table orders --mode upsert --primary-key id --delete-missing
                  sqlpipe transfer create --source shop --target warehouse --query 'select * from events' \\
                    --target-table events --mode incremental --cursor-column created_at --primary-key id
                """)

        @Option(help: "The source connection's id or name.")
        var source: String?
        @Option(
            help: ArgumentHelp(
                "A CSV, TSV or NDJSON file to read instead, or - for standard input.", valueName: "path"),
            completion: .file())
        var sourceFile: String?
        @Option(help: "The target connection's id or name.")
        var target: String?
        @Option(
            help: ArgumentHelp(
                "A file to write instead, replaced only once complete, or - for standard output.", valueName: "path"),
            completion: .file())
        var targetFile: String?
        @OptionGroup var sql: QueryText
        @OptionGroup var file: FileOptions
        @Option(help: "The target schema (default: the connection's own; for SQLite an attached database).")
        var targetSchema: String = ""
        @Option(help: "The target table, created when missing. Taken as a name, whatever it contains.")
        var targetTable: String?
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
            try validateEnds()
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

        /// Whether the file options describe the target file: when it is the only file, or when its name
        /// says no format (standard output) and it is written as the source is.
        private func targetTakesTheFileOptions(_ path: String) -> Bool {
            sourceFile == nil || FileSpec.detected(from: path).format == nil
        }

        /// One source and one target, each a connection or a file, with what goes with it.
        private func validateEnds() throws {
            switch (source, sourceFile) {
            case (nil, nil): throw ValidationError("Give the source: --source CONNECTION, or --source-file PATH.")
            case (_?, _?): throw ValidationError("--source and --source-file name two sources: give one.")
            case (_?, nil): try sql.requireGiven()
            case (nil, _?):
                if sql.isGiven {
                    throw ValidationError("--query and --query-file go with --source, not --source-file.")
                }
            }
            switch (target, targetFile) {
            case (nil, nil): throw ValidationError("Give the target: --target CONNECTION, or --target-file PATH.")
            case (_?, _?): throw ValidationError("--target and --target-file name two targets: give one.")
            case (_?, nil):
                if targetTable == nil { throw ValidationError("--target needs --target-table.") }
            case (nil, _?):
                if targetTable != nil || !targetSchema.isEmpty {
                    throw ValidationError("--target-table and --target-schema go with --target, not --target-file.")
                }
                if mode != nil && mode != .overwrite {
                    throw ValidationError("A file target is always replaced whole: --mode \(mode!) applies to tables.")
                }
            }
            if sourceFile == nil, targetFile == nil, file.isGiven {
                throw ValidationError(
                    "--format, --compression and the other file options go with --source-file or --target-file.")
            }
            if sourceFile == nil, !file.columns.isEmpty {
                throw ValidationError("--column sets a type of a file read: it goes with --source-file.")
            }
            if detach, sourceFile == "-" || targetFile == "-" {
                throw ValidationError(
                    "--detach cannot take standard input or output: a server runs it later, elsewhere.")
            }
            if targetFile == "-", global.json {
                throw ValidationError("--json cannot go with --target-file -: standard output carries the file.")
            }
        }

        func run() async throws {
            let sqlpipe = try await global.open()
            var sourceID: Int64?
            if let source { sourceID = try await sqlpipe.connections.get(source).id }
            var targetID: Int64?
            if let target { targetID = try await sqlpipe.connections.get(target).id }
            let input = TransferInput(
                sourceID: sourceID, targetID: targetID, query: source == nil ? nil : try sql.text(),
                targetSchema: target == nil ? nil : targetSchema, targetTable: targetTable,
                mode: targetFile == nil ? chosenMode : nil, primaryKey: targetFile == nil ? keyColumns : nil,
                deleteMissing: deleteMissing, cursorColumn: cursorColumn,
                sourceFile: sourceFile.map { file.input(path: $0) },
                targetFile: targetFile.map { file.input(path: $0, describing: targetTakesTheFileOptions($0)) })
            // Standard output may carry the file: what the command says of itself goes to stderr then.
            var output = global.output
            output.toStandardError = targetFile == "-"
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
                printError("transfer \(finished.id) cancelled: \(finished.targetDescription) was left as it was")
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
            "transfer \(id) complete: \(rowsTransferred.grouped) \(rowsTransferred == 1 ? "row" : "rows") \(targetFile == nil ? "read into" : "written to") \(targetDescription) in \(String(format: "%.2f", seconds)) s (\(rate.grouped) rows/s)"
        let counts = [(rowsInserted, "inserted"), (rowsUpdated, "updated"), (rowsDeleted, "deleted")]
            .compactMap { count, verb in count.map { "\($0.grouped) \(verb)" } }
        // A file holds what was read: its counts would only repeat it.
        if !counts.isEmpty, targetFile == nil { line += ": " + counts.joined(separator: ", ") }
        if mode == .incremental {
            line += "; cursor \(cursorFrom ?? "none") → \(cursorTo ?? "none")"
        }
        return line
    }
}
