import Foundation
import SQLPipeEngine

/// Creates, runs, lists, cancels and deletes transfers.
public struct TransferService: Sendable {
    let store: any MetadataStoring
    let connections: ConnectionService
    /// The files this process lets its callers name: the command line's user's own (`.host`), a server's
    /// data directory, or none (a server without `--data-dir`).
    var files: FileAccess? = .host

    /// Stores a new transfer in `queued`. It runs with `run`, in this process or a server's worker.
    public func create(_ input: TransferInput, by caller: Caller) async throws -> Transfer {
        let (inserted, _) = try await store.insertRun(
            try await validated(input, by: caller, foreground: false).row, claimed: false)
        try await ActiveRunQuota.admit(inserted, of: caller, in: store)
        return try Self.resource(inserted)
    }

    /// Stores a new transfer already claimed by this process and runs it to its end: the CLI's foreground
    /// run, and each stream of a replication run (`replicationRun`). `started` learns the stored transfer
    /// before it runs.
    @discardableResult
    public func runNow(
        _ input: TransferInput, by caller: Caller, control: RunControl = RunControl()
    ) async throws -> Transfer {
        try await runNow(input, by: caller, control: control, replicationRun: nil, started: { _ in })
    }

    func runNow(
        _ input: TransferInput, by caller: Caller, control: RunControl, replicationRun: Int64?,
        started: @Sendable (Transfer) async -> Void
    ) async throws -> Transfer {
        var valid = try await validated(input, by: caller, foreground: true)
        valid.row.replicationRunId = replicationRun
        let (claimed, claim) = try await store.insertRun(valid.row, claimed: true) { row, id in
            row.stagingTable = Self.stagingName(for: id)
        }
        try await ActiveRunQuota.admit(claimed, of: caller, in: store)
        guard let claim, let staging = claimed.stagingTable else {
            throw SQLPipeError.store("a stored transfer has no claim")
        }
        await started(try Self.resource(claimed))
        // The connections were just read and checked: the run uses them as they were.
        let request = try Self.request(for: claimed, from: valid.from, to: valid.to, staging: staging)
        return try await execute(claimed, claim: claim, staging: staging, control: control, request: request)
    }

    /// `foreground`: the caller runs it now, so that standard input and output are the caller's own.
    private func validated(
        _ input: TransferInput, by caller: Caller, foreground: Bool
    ) async throws -> (row: TransferRow, from: TransferSource, to: TransferTarget) {
        var problems: [String: String] = [:]
        var query = ""
        var sourceFile: StoredFile?
        var source: (Connection, ConnectionConfig)?
        if let file = input.sourceFile {
            for (field, given) in [("sourceID", input.sourceID != nil), ("query", input.query != nil)] where given {
                problems[field] = "cannot be given with sourceFile: the file is the source"
            }
            sourceFile = FileRules.stored(file, field: "sourceFile", reading: true, access: files, into: &problems)
        } else {
            query = RunRules.queryText(input.query, into: &problems)
            source = try await RunRules.connection(
                input.sourceID, field: "sourceID", by: caller, in: connections, into: &problems)
        }
        let table = input.targetTable ?? ""
        let schema = input.targetSchema ?? ""
        var targetFile: StoredFile?
        var target: (Connection, ConnectionConfig)?
        if let file = input.targetFile {
            for (field, given) in [
                ("targetID", input.targetID != nil), ("targetTable", input.targetTable != nil),
                ("targetSchema", input.targetSchema != nil),
            ] where given {
                problems[field] = "cannot be given with targetFile: the file is the target"
            }
            targetFile = FileRules.stored(file, field: "targetFile", reading: false, access: files, into: &problems)
            if let sourceFile, let targetFile, sourceFile.spec.path == targetFile.spec.path, sourceFile.spec.path != "-"
            {
                problems["targetFile.path"] = "is the source file: write the result to another file"
            }
        } else {
            if table.isEmpty { problems["targetTable"] = "must be provided" }
            target = try await RunRules.connection(
                input.targetID, field: "targetID", by: caller, in: connections, into: &problems)
        }
        let dialect = target.map { Drivers.dialect(for: $0.0.dsType) }
        if let dialect {
            if !table.isEmpty {
                do { try dialect.validate(identifier: table, role: "name") } catch let error as DriverError {
                    problems["targetTable"] = error.message
                }
            }
            if !schema.isEmpty {
                do { try dialect.validate(identifier: schema, role: "name") } catch let error as DriverError {
                    problems["targetSchema"] = error.message
                }
            }
        }
        if !foreground {
            for (field, file) in [("sourceFile", sourceFile), ("targetFile", targetFile)] where file?.spec.path == "-" {
                problems["\(field).path"] = "standard input and output are only for a transfer run in the foreground"
            }
        }
        var sync = TransferRules.sync(input, dialect: dialect, into: &problems)
        if input.targetFile != nil {
            // A file is written whole: it is replaced once complete, whatever it held.
            if input.mode != nil, input.mode != .overwrite {
                problems["mode"] = "a file target is always replaced whole: leave mode out, or give overwrite"
            }
            if input.primaryKey?.isEmpty == false { problems["primaryKey"] = "applies to a table, not to a file" }
            sync.mode = .overwrite
        }
        guard problems.isEmpty else { throw SQLPipeError.validation(problems) }
        let from: TransferSource
        if let sourceFile {
            from = .file(sourceFile.spec, access: try FileRules.access(for: sourceFile, in: files, transfer: 0))
        } else if let (_, config) = source {
            from = .query(config, query)
        } else {
            throw SQLPipeError.validation(["sourceID": "must be provided"])
        }
        let to: TransferTarget
        if let targetFile {
            to = .file(targetFile.spec, access: try FileRules.access(for: targetFile, in: files, transfer: 0))
        } else if let (_, config) = target {
            to = .table(config, TableName(schema: schema, name: table))
        } else {
            throw SQLPipeError.validation(["targetID": "must be provided"])
        }
        let row = TransferRow(
            id: nil, createdAt: Date(), createdBy: caller.username, createdByAdmin: caller.admin,
            sourceId: source?.0.id, targetId: target?.0.id, query: query, targetSchema: schema, targetTable: table,
            overwrite: sync.mode == .overwrite, mode: sync.mode.rawValue, primaryKey: sync.primaryKey,
            deleteMissing: sync.deleteMissing, cursorColumn: sync.cursorColumn, status: RunStatus.queued.rawValue,
            error: nil, warnings: [], rowsTransferred: 0, rowsInserted: nil, rowsUpdated: nil, rowsDeleted: nil,
            cursorFrom: nil, cursorTo: nil, startedAt: nil, stoppedAt: nil, runnerPid: nil, runnerHost: nil,
            cancelRequested: false, stagingTable: nil, cleanupPending: false, leaseExpiresAt: nil, runnerToken: nil,
            replicationRunId: nil, sourceFile: sourceFile, targetFile: targetFile)
        return (row, from, to)
    }

    public func list(_ request: PageRequest) async throws -> Page<Transfer> {
        let (rows, metadata) = try await store.transferPage(request)
        return Page(items: try rows.map(Self.resource), metadata: metadata)
    }

    public func get(_ id: Int64) async throws -> Transfer {
        try Self.resource(try await store.findRun(TransferRow.self, id))
    }

    /// Cancels a queued transfer at once; asks a running one to stop (its runner stops the source query,
    /// rolls the target back and sets `cancelled`). A finished transfer cannot be cancelled.
    public func cancel(_ id: Int64) async throws -> Transfer {
        try Self.resource(try await store.cancelRun(TransferRow.self, id))
    }

    public func delete(_ id: Int64) async throws {
        try await store.deleteRun(TransferRow.self, id)
    }

    /// Runs a queued transfer to its end in this process and returns it finished. `control` lets the
    /// caller cancel it (Ctrl-C) and read its progress; a cancel request in the store, from any process,
    /// cancels it too. `onClaimed` sees it once this process has claimed it, before it runs (the server's
    /// log and metrics count a run as started only then: another process may have taken it first).
    @discardableResult
    public func run(
        _ id: Int64, control: RunControl = RunControl(), onClaimed: (Transfer) async -> Void = { _ in }
    ) async throws -> Transfer {
        let staging = Self.stagingName(for: id)
        let (claimed, claim) = try await store.claimRun(TransferRow.self, id) { $0.stagingTable = staging }
        if let started = try? Self.resource(claimed) { await onClaimed(started) }
        return try await execute(claimed, claim: claim, staging: staging, control: control)
    }

    /// Unique across stores: two stores may load into one database, and their transfer ids repeat.
    static func stagingName(for id: Int64) -> String {
        "sqlpipe_staging_\(id)_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    /// Runs a transfer this process has claimed, and records how it ended.
    /// Runs a claimed transfer: with `request` when the caller resolved its connections a moment ago, else
    /// with the connections as stored now.
    private func execute(
        _ claimed: TransferRow, claim: RunClaim, staging: String, control: RunControl,
        request resolved: TransferRequest? = nil
    ) async throws -> Transfer {
        let finished = try await RunLifecycle.execute(
            TransferRow.self, claim, in: store, control: control,
            cancelledMessage: "cancelled; the target was left as it was",
            prepare: {
                if let resolved { return resolved }
                return try await request(for: claimed, staging: staging)
            },
            work: { request in try TransferEngine.run(request, control: control) },
            record: { row, request, outcome in
                if let outcome {
                    row.rowsTransferred = outcome.rows
                    row.warnings = outcome.warnings
                    row.rowsInserted = outcome.inserted
                    row.rowsUpdated = outcome.updated
                    row.rowsDeleted = outcome.deleted
                    row.cursorFrom = outcome.cursorFrom
                    row.cursorTo = outcome.cursorTo
                } else {
                    // Nothing reached the target: a failed or cancelled transfer leaves it as it was. A
                    // table it made was dropped, unless the target's connection died first (where DDL
                    // commits at once): checked later. The counts and cursor marks stay null.
                    row.rowsTransferred = 0
                    row.cleanupPending =
                        request?.targetSystem.map { !Drivers.dialect(for: $0).transactionalDDL } ?? false
                }
            })
        return try Self.resource(finished)
    }

    private func request(for row: TransferRow, staging: String) async throws -> TransferRequest {
        let id = row.id ?? 0
        let from: TransferSource
        if let file = row.sourceFile {
            from = .file(file.spec, access: try FileRules.access(for: file, in: files, transfer: id))
        } else {
            guard let sourceID = row.sourceId else {
                throw SQLPipeError.conflict("the source connection of transfer \(id) was deleted")
            }
            // As its creator may use it now: a connection restricted since it was queued is refused.
            let (_, source) = try await connections.usable(sourceID, field: "sourceID", by: row.creator)
            from = .query(source, row.query)
        }
        let to: TransferTarget
        if let file = row.targetFile {
            to = .file(file.spec, access: try FileRules.access(for: file, in: files, transfer: id))
        } else {
            guard let targetID = row.targetId else {
                throw SQLPipeError.conflict("the target connection of transfer \(id) was deleted")
            }
            let (_, target) = try await connections.usable(targetID, field: "targetID", by: row.creator)
            to = .table(target, TableName(schema: row.targetSchema, name: row.targetTable))
        }
        return try Self.request(for: row, from: from, to: to, staging: staging)
    }

    private static func request(
        for row: TransferRow, from: TransferSource, to: TransferTarget, staging: String
    ) throws -> TransferRequest {
        TransferRequest(
            from: from, to: to, mode: try mode(of: row), primaryKey: row.primaryKey, deleteMissing: row.deleteMissing,
            cursorColumn: row.cursorColumn, stagingName: staging)
    }

    private static func mode(of row: TransferRow) throws -> TransferMode {
        guard let mode = TransferMode(rawValue: row.mode) else {
            throw SQLPipeError.store("transfer \(row.id ?? 0) has an unknown mode '\(row.mode)'")
        }
        return mode
    }

    /// Marks the running transfers whose runner is gone as failed ("interrupted"). Only the store is
    /// touched: their staging tables are for `dropLeftovers`.
    func recoverInterrupted() async throws {
        _ = try await store.recoverInterruptedRuns(TransferRow.self) { row in
            row.rowsTransferred = 0
            row.cleanupPending = true
        }
    }

    /// Drops what failed or interrupted transfers may have left in their targets (a MySQL staging table,
    /// or the old table a swap had not dropped yet), each target within `seconds`. A target that cannot
    /// be reached now keeps its entry for the next time.
    func dropLeftovers(within seconds: TimeInterval) async throws {
        for leftover in try await store.transfersPendingCleanup() {
            guard let id = leftover.id else { continue }
            if let staging = leftover.stagingTable, let targetID = leftover.targetId,
                let config = try? await connections.config(for: String(targetID))
            {
                let schema = leftover.targetSchema
                let dropped =
                    (try? await runBlocking(within: seconds, failingWith: DriverError("no answer")) {
                        let session = try Drivers.open(config, timeoutSeconds: Int(seconds))
                        defer { session.close() }
                        let dialect = session.dialect
                        for table in dialect.leftovers(ofStaging: TableName(schema: schema, name: staging)) {
                            try session.execute("DROP TABLE IF EXISTS \(dialect.qualified(table))")
                        }
                        return true
                    }) ?? false
                guard dropped else { continue }
            }
            // Dropped, or nothing names what to drop: nothing is left to do.
            try await store.markCleanedUp(transfer: id)
        }
    }

    static func resource(_ row: TransferRow) throws -> Transfer {
        guard let id = row.id, let status = RunStatus(rawValue: row.status) else {
            throw SQLPipeError.store("a stored transfer is incomplete")
        }
        let mode = try mode(of: row)
        return Transfer(
            id: id, createdAt: row.createdAt, createdBy: row.createdBy, sourceID: row.sourceId, targetID: row.targetId,
            sourceFile: row.sourceFile?.spec, targetFile: row.targetFile?.spec, query: row.query,
            targetSchema: row.targetSchema, targetTable: row.targetTable,
            overwrite: mode == .overwrite, mode: mode, primaryKey: row.primaryKey, deleteMissing: row.deleteMissing,
            cursorColumn: row.cursorColumn, status: status, error: row.error, warnings: row.warnings,
            rowsTransferred: row.rowsTransferred, rowsInserted: row.rowsInserted, rowsUpdated: row.rowsUpdated,
            rowsDeleted: row.rowsDeleted, cursorFrom: row.cursorFrom, cursorTo: row.cursorTo,
            startedAt: row.startedAt, stoppedAt: row.stoppedAt)
    }
}
