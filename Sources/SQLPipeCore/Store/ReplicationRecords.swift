import Foundation
import GRDB

/// The store's replications and their runs: unique names, one active run per replication, and schedules
/// that start one run per due time however many servers share the store.
extension MetadataStore {
    func insert(replication row: ReplicationRow) async throws -> ReplicationRow {
        try await insert(row) { db in try Self.ensureReplicationNameIsFree(row.name, except: nil, in: db) }
    }

    func update(replication row: ReplicationRow) async throws -> ReplicationRow {
        try await update(row, missing: "replication '\(row.name)' was deleted meanwhile") { db in
            try Self.ensureReplicationNameIsFree(row.name, except: row.id, in: db)
        }
    }

    func replicationPage(_ request: PageRequest) async throws -> ([ReplicationRow], PageMetadata) {
        try await page(of: ReplicationRow.self, request)
    }

    /// The replication named by id or name.
    func replication(_ reference: String) async throws -> ReplicationRow {
        try await read { db in
            try Self.find(ReplicationRow.self, reference, nameColumn: "name", noun: "replication", in: db)
        }
    }

    /// Deletes a replication without a queued or running run; its finished runs go with it, their
    /// transfers stay.
    func deleteReplication(_ row: ReplicationRow) async throws {
        try await write { db in
            if let active = try Self.activeRun(of: row.id, in: db) {
                throw SQLPipeError.conflict(
                    "replication '\(row.name)' has run \(active.id ?? 0) \(active.status): cancel it first")
            }
            _ = try ReplicationRow.deleteOne(db, key: row.id)
        }
    }

    /// Stores a new run of a replication, queued or claimed by this process, unless one is queued or running.
    func insertReplicationRun(
        _ run: ReplicationRunRow, claimed: Bool, replicationName: String
    ) async throws -> (ReplicationRunRow, RunClaim?) {
        var row = run
        let token = claimed ? row.takeClaim() : nil
        let prepared = row
        return try await write { db in
            if let active = try Self.activeRun(of: prepared.replicationId, in: db) {
                throw SQLPipeError.conflict(
                    "replication '\(replicationName)' already has run \(active.id ?? 0) \(active.status)")
            }
            var inserted = prepared
            try inserted.insert(db)
            guard let id = inserted.id else { throw SQLPipeError.store("a stored replication run has no id") }
            return (try inserted.reloaded(db), token.map { RunClaim(id: id, token: $0) })
        }
    }

    /// A page of one replication's runs, newest first unless asked otherwise.
    func replicationRunPage(
        of replicationID: Int64, _ request: PageRequest
    ) async throws -> ([ReplicationRunRow], PageMetadata) {
        try await page(of: ReplicationRunRow.self, request, filter: Column("replication_id") == replicationID)
    }

    /// Writes how the streams of a run stand, if the claim still owns it.
    func record(streams: [StreamResult], of claim: RunClaim) async throws {
        try await write { db in
            guard var row = try ReplicationRunRow.fetchOne(db, key: claim.id), row.runnerToken == claim.token,
                row.status == RunStatus.running.rawValue
            else { return }
            row.streams = streams
            try row.update(db)
        }
    }

    /// The scheduled replications whose due time has come.
    func dueReplications(at now: Date) async throws -> [ReplicationRow] {
        try await read { db in
            try ReplicationRow.filter(Column("next_run_at") != nil && Column("next_run_at") <= now)
                .order(Column("next_run_at"), Column("id")).fetchAll(db)
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
        try await write { db -> ReplicationRunRow? in
            guard var replication = try ReplicationRow.fetchOne(db, key: replicationID),
                replication.nextRunAt == due
            else { return nil }
            replication.nextRunAt = next
            if missed {
                try replication.update(db)
                return nil
            }
            if try Self.activeRun(of: replicationID, in: db) != nil {
                replication.skippedDueTimes += 1
                try replication.update(db)
                return nil
            }
            var run = makeRun(replication.skippedDueTimes)
            replication.skippedDueTimes = 0
            try replication.update(db)
            try run.insert(db)
            return try run.reloaded(db)
        }
    }

    private static func activeRun(of replicationID: Int64?, in db: Database) throws -> ReplicationRunRow? {
        try ReplicationRunRow.filter(Column("replication_id") == replicationID)
            .filter([RunStatus.queued.rawValue, RunStatus.running.rawValue].contains(Column("status")))
            .fetchOne(db)
    }

    private static func ensureReplicationNameIsFree(_ name: String, except id: Int64?, in db: Database) throws {
        let clash = try ReplicationRow.filter(Column("name") == name).filter(Column("id") != id).fetchOne(db)
        if clash != nil {
            throw SQLPipeError.conflict("name: a replication named '\(name)' already exists")
        }
    }
}
