import Foundation
import GRDB
import SQLPipeEngine

/// Creates, runs, lists, cancels and deletes transfers.
public struct TransferService: Sendable {
    let store: MetadataStore
    let connections: ConnectionService

    /// Stores a new transfer in `queued`. It runs with `run`, in this process or a server's worker.
    public func create(_ input: TransferInput, by caller: Caller) async throws -> Transfer {
        let inserted = try await RunLifecycle.insert(try await validated(input, by: caller), claimed: false, in: store)
        try await ActiveRunQuota.admit(inserted, of: caller, in: store)
        return try Self.resource(inserted)
    }

    /// Stores a new transfer already claimed by this process and runs it to its end: the CLI's foreground
    /// run.
    @discardableResult
    public func runNow(
        _ input: TransferInput, by caller: Caller, control: TransferControl = TransferControl()
    ) async throws -> Transfer {
        let claimed = try await RunLifecycle.insert(try await validated(input, by: caller), claimed: true, in: store)
        try await ActiveRunQuota.admit(claimed, of: caller, in: store)
        guard let id = claimed.id else { throw SQLPipeError.store("a stored transfer has no id") }
        let staging = Self.stagingName(for: id)
        let named = try await store.write { db -> TransferRow in
            try db.execute(sql: "UPDATE transfers SET staging_table = ? WHERE id = ?", arguments: [staging, id])
            return try claimed.reloaded(db)
        }
        return try await execute(named, staging: staging, control: control)
    }

    private func validated(_ input: TransferInput, by caller: Caller) async throws -> TransferRow {
        var problems: [String: String] = [:]
        let query = (input.query ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if query.isEmpty { problems["query"] = "must be provided" }
        if query.utf8.count > 1 << 20 { problems["query"] = "must be at most 1 MiB" }
        let table = input.targetTable ?? ""
        let schema = input.targetSchema ?? ""
        if table.isEmpty { problems["targetTable"] = "must be provided" }
        let source = try await connection(input.sourceID, field: "sourceID", by: caller, into: &problems)
        let target = try await connection(input.targetID, field: "targetID", by: caller, into: &problems)
        if let target {
            let dialect = Drivers.dialect(for: target.dsType)
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
        guard problems.isEmpty, let source, let target else { throw SQLPipeError.validation(problems) }
        let row = TransferRow(
            id: nil, createdAt: Date(), createdBy: caller.username, sourceId: source.id, targetId: target.id,
            query: query,
            targetSchema: schema, targetTable: table, overwrite: input.overwrite ?? false, status: RunStatus.queued.rawValue,
            error: nil, warnings: [], rowsTransferred: 0, startedAt: nil, stoppedAt: nil, runnerPid: nil,
            runnerHost: nil, cancelRequested: false, stagingTable: nil, leaseExpiresAt: nil, runnerToken: nil)
        return row
    }

    private func connection(
        _ id: Int64?, field: String, by caller: Caller, into problems: inout [String: String]
    ) async throws -> Connection? {
        guard let id else {
            problems[field] = "must be provided"
            return nil
        }
        do {
            return try await connections.usable(id, field: field, by: caller)
        } catch SQLPipeError.notFound {
            problems[field] = "no connection with id \(id)"
            return nil
        }
    }

    public func list(_ request: PageRequest) async throws -> Page<Transfer> {
        let (rows, metadata) = try await store.page(of: TransferRow.self, request)
        return Page(items: try rows.map(Self.resource), metadata: metadata)
    }

    public func get(_ id: Int64) async throws -> Transfer {
        try Self.resource(try await RunLifecycle.find(TransferRow.self, id, in: store))
    }

    /// Cancels a queued transfer at once; asks a running one to stop (its runner stops the source query,
    /// rolls the target back and sets `cancelled`). A finished transfer cannot be cancelled.
    public func cancel(_ id: Int64) async throws -> Transfer {
        try Self.resource(try await RunLifecycle.cancel(TransferRow.self, id, in: store))
    }

    public func delete(_ id: Int64) async throws {
        try await RunLifecycle.delete(TransferRow.self, id, in: store)
    }

    /// Runs a queued transfer to its end in this process and returns it finished. `control` lets the
    /// caller cancel it (Ctrl-C) and read its progress; a cancel request in the store, from any process,
    /// cancels it too.
    @discardableResult
    public func run(_ id: Int64, control: TransferControl = TransferControl()) async throws -> Transfer {
        let staging = Self.stagingName(for: id)
        let claimed = try await RunLifecycle.claim(TransferRow.self, id, in: store) { $0.stagingTable = staging }
        return try await execute(claimed, staging: staging, control: control)
    }

    /// Unique across stores: two stores may load into one database, and their transfer ids repeat.
    static func stagingName(for id: Int64) -> String {
        "sqlpipe_staging_\(id)_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    /// Runs a transfer this process has claimed, and records how it ended.
    private func execute(_ claimed: TransferRow, staging: String, control: TransferControl) async throws -> Transfer {
        guard let id = claimed.id else { throw SQLPipeError.store("a stored transfer has no id") }
        let outcome: Result<TransferOutcome, any Error>
        do {
            let request = try await self.request(for: claimed, staging: staging)
            outcome = await RunWatcher.run(.transfers, id: id, store: store, control: control) {
                try TransferEngine.run(request, control: control)
            }
        } catch {
            outcome = .failure(error)
        }
        let cancelled = control.isCancelled
        let finished = try await RunLifecycle.finish(TransferRow.self, id, in: store) { row in
            switch outcome {
            case .success(let result):
                row.status = RunStatus.complete.rawValue
                row.rowsTransferred = result.rows
                row.warnings = result.warnings
            case .failure(let error):
                // Nothing reached the target: a failed or cancelled transfer leaves it as it was.
                row.rowsTransferred = 0
                if error is TransferCancelled || cancelled {
                    row.status = RunStatus.cancelled.rawValue
                    row.error = "cancelled; the target was left as it was"
                } else {
                    row.status = RunStatus.error.rawValue
                    row.error = Self.message(of: error)
                }
            }
        }
        return try Self.resource(finished)
    }

    private func request(for row: TransferRow, staging: String) async throws -> TransferRequest {
        guard let sourceID = row.sourceId, let targetID = row.targetId else {
            throw SQLPipeError.conflict("the source or target connection of transfer \(row.id ?? 0) was deleted")
        }
        return TransferRequest(
            source: try await connections.config(for: String(sourceID)),
            target: try await connections.config(for: String(targetID)), query: row.query,
            table: TableName(schema: row.targetSchema, name: row.targetTable), overwrite: row.overwrite,
            stagingName: staging)
    }

    static func message(of error: any Error) -> String {
        switch error {
        case let error as DriverError: error.message
        case let error as SQLPipeError: error.description
        default: "\(error)"
        }
    }

    /// Marks the running transfers whose process died as failed ("interrupted") and drops their staging
    /// tables. Runs whenever a store is opened.
    func recoverInterrupted() async throws {
        let orphans = try await RunLifecycle.recoverInterrupted(TransferRow.self, in: store) { $0.rowsTransferred = 0 }
        for orphan in orphans {
            if let staging = orphan.stagingTable, let targetID = orphan.targetId,
                let config = try? await connections.config(for: String(targetID))
            {
                _ = try? await runBlocking {
                    let session = try Drivers.open(config, timeoutSeconds: 5)
                    defer { session.close() }
                    let table = TableName(schema: orphan.targetSchema, name: staging)
                    try session.execute("DROP TABLE IF EXISTS \(session.dialect.qualified(table))")
                }
            }
        }
    }

    static func resource(_ row: TransferRow) throws -> Transfer {
        guard let id = row.id, let status = RunStatus(rawValue: row.status) else {
            throw SQLPipeError.store("a stored transfer is incomplete")
        }
        return Transfer(
            id: id, createdAt: row.createdAt, createdBy: row.createdBy, sourceID: row.sourceId, targetID: row.targetId,
            query: row.query, targetSchema: row.targetSchema, targetTable: row.targetTable, overwrite: row.overwrite,
            status: status, error: row.error, warnings: row.warnings, rowsTransferred: row.rowsTransferred,
            startedAt: row.startedAt, stoppedAt: row.stoppedAt)
    }
}
