import Foundation
import GRDB

/// The store's replications and their runs: unique names, one active run per replication, and schedules
/// that start one run per due time however many servers share the store.
extension TransactionalStore {
    func insert(replication row: ReplicationRow) async throws -> ReplicationRow {
        try await insert(row) { tx in try ensureReplicationNameIsFree(row.name, except: nil, in: tx) }
    }

    func update(replication row: ReplicationRow) async throws -> ReplicationRow {
        try await update(row, missing: "replication '\(row.name)' was deleted meanwhile") { tx in
            try ensureReplicationNameIsFree(row.name, except: row.id, in: tx)
        }
    }

    func replicationPage(_ request: PageRequest) async throws -> ([ReplicationRow], PageMetadata) {
        try await page(of: ReplicationRow.self, request)
    }

    /// The replication named by id or name.
    func replication(_ reference: String) async throws -> ReplicationRow {
        try await read { tx in
            try Self.find(ReplicationRow.self, reference, nameColumn: "name", noun: "replication", in: tx)
        }
    }

    /// Deletes a replication without a queued or running run; its finished runs go with it, their
    /// transfers stay.
    func deleteReplication(_ row: ReplicationRow) async throws {
        try await write { tx in
            if let active = try activeRun(of: row.id, in: tx) {
                throw SQLPipeError.conflict(
                    "replication '\(row.name)' has run \(active.id ?? 0) \(active.status): cancel it first")
            }
            try tx.delete(ReplicationRow.self, id: row.id)
        }
    }

    /// Stores a new run of a replication, queued or claimed by this process, unless one is queued or running.
    func insertReplicationRun(
        _ run: ReplicationRunRow, claimed: Bool, replicationName: String
    ) async throws -> (ReplicationRunRow, RunClaim?) {
        var row = run
        let token = claimed ? row.takeClaim() : nil
        let prepared = row
        return try await write { tx in
            if let active = try activeRun(of: prepared.replicationId, in: tx) {
                throw SQLPipeError.conflict(
                    "replication '\(replicationName)' already has run \(active.id ?? 0) \(active.status)")
            }
            let inserted = try tx.insert(prepared)
            guard let id = inserted.id else { throw SQLPipeError.store("a stored replication run has no id") }
            return (inserted, token.map { RunClaim(id: id, token: $0) })
        }
    }

    /// A page of one replication's runs, newest first unless asked otherwise.
    func replicationRunPage(
        of replicationID: Int64, _ request: PageRequest
    ) async throws -> ([ReplicationRunRow], PageMetadata) {
        try await page(of: ReplicationRunRow.self, request, filter: "replication_id = ?", storeArguments(replicationID))
    }

    /// Writes how the streams of a run stand, if the claim still owns it.
    func record(streams: [StreamResult], of claim: RunClaim) async throws {
        try await write { tx in
            guard var row = try tx.fetchOne(ReplicationRunRow.self, id: claim.id), row.runnerToken == claim.token,
                row.status == RunStatus.running.rawValue
            else { return }
            row.streams = streams
            try tx.update(row)
        }
    }

    /// The scheduled replications whose due time has come.
    func dueReplications(at now: Date) async throws -> [ReplicationRow] {
        try await read { tx in
            try tx.fetchAll(
                ReplicationRow.self, where: "next_run_at IS NOT NULL AND next_run_at <= ?", storeArguments(now),
                then: " ORDER BY next_run_at, id")
        }
    }

    /// Starts the run a replication's due time `due` calls for, and moves its due time on to `next`, in one
    /// write that only the first of several servers gets to make: the others find the due time moved and
    /// start nothing. While a run is still queued or running the due time starts none and is counted, for
    /// the next run to report; a `missed` one (it passed while no server ran) starts none and is not
    /// counted. Returns the queued run, if one was queued.
    func startScheduledRun(
        of replicationID: Int64, due: Date, next: Date?, missed: Bool,
        makeRun: @escaping @Sendable (Int) -> ReplicationRunRow
    ) async throws -> ReplicationRunRow? {
        try await write { tx -> ReplicationRunRow? in
            guard var replication = try tx.fetchOne(ReplicationRow.self, id: replicationID),
                replication.nextRunAt == due
            else { return nil }
            replication.nextRunAt = next
            if missed {
                try tx.update(replication)
                return nil
            }
            if try activeRun(of: replicationID, in: tx) != nil {
                replication.skippedDueTimes += 1
                try tx.update(replication)
                return nil
            }
            let run = makeRun(replication.skippedDueTimes)
            replication.skippedDueTimes = 0
            try tx.update(replication)
            return try tx.insert(run)
        }
    }
}

private func activeRun(of replicationID: Int64?, in tx: any StoreTransaction) throws -> ReplicationRunRow? {
    try tx.fetchOne(
        ReplicationRunRow.self, where: "replication_id = ? AND status IN (?, ?)",
        storeArguments(replicationID, RunStatus.queued.rawValue, RunStatus.running.rawValue))
}

private func ensureReplicationNameIsFree(_ name: String, except id: Int64?, in tx: any StoreTransaction) throws {
    if try tx.fetchOne(ReplicationRow.self, where: "name = ? AND id <> ?", storeArguments(name, id ?? 0)) != nil {
        throw SQLPipeError.conflict("name: a replication named '\(name)' already exists")
    }
}
