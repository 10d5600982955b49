import Foundation
import GRDB

/// A stored transfer or query: both go queued → running → complete | error | cancelled.
protocol RunRecord: StoreRecord {
    /// "transfer" or "query", for messages.
    static var noun: String { get }
    static var runTable: RunTable { get }
    var createdBy: String { get }
    var createdByAdmin: Bool { get }
    var status: String { get set }
    var error: String? { get set }
    var startedAt: Date? { get set }
    var stoppedAt: Date? { get set }
    var runnerPid: Int? { get set }
    var runnerHost: String? { get set }
    var cancelRequested: Bool { get set }
    var leaseExpiresAt: Date? { get set }
    var runnerToken: String? { get set }
}

extension RunRecord {
    /// Who the record was created for, as far as using connections goes.
    var creator: Caller { Caller(username: createdBy, admin: createdByAdmin) }
}

/// The proof that this process runs a record: its token in the record, renewed with the lease.
public struct RunClaim: Sendable {
    public let id: Int64
    public let token: String
}

extension RunRecord {
    /// Marks the record as run from now on by this process, under a new claim.
    mutating func takeClaim(now: Date = Date()) -> String {
        let token = UUID().uuidString
        status = RunStatus.running.rawValue
        startedAt = now
        runnerPid = Runner.pid
        runnerHost = Runner.host
        runnerToken = token
        leaseExpiresAt = now.addingTimeInterval(RunLease.duration)
        return token
    }
}

/// How long a run stays alive without its runner renewing it. The runner renews it four times a second
/// with its progress; a run whose lease has expired belongs to a process that died, hung, or lost the
/// store, whatever its pid and host say (in containers every server is pid 1, and hosts share names).
enum RunLease {
    static let duration: TimeInterval = 30
}

extension TransferRow: RunRecord {
    static var noun: String { "transfer" }
    static var runTable: RunTable { .transfer }
}

extension QueryRow: RunRecord {
    static var noun: String { "query" }
    static var runTable: RunTable { .query }
}

extension ReplicationRunRow: RunRecord {
    static var noun: String { "replication run" }
    static var runTable: RunTable { .replicationRun }
}

/// What a runner learns when it renews its lease.
enum RenewedRun {
    case running, cancelRequested
    /// The record is no longer this claim's: recovered, or deleted.
    case ownedByOther
}

enum RunTable: String {
    case transfer = "transfers"
    case query = "queries"
    case replicationRun = "replication_runs"
}

/// The lifecycle steps of transfers and queries that touch the store: each one write (or read) that
/// checks what it changes is still as it was judged.
extension TransactionalStore {
    func findRun<Record: RunRecord>(_ type: Record.Type, _ id: Int64) async throws -> Record {
        try await read { tx in
            guard let row = try tx.fetchOne(Record.self, id: id) else { throw runNotFound(Record.self, id) }
            return row
        }
    }

    /// Takes a queued record for this process: `running`, under a new claim. Fails when it is no longer
    /// queued (another worker took it, or it was cancelled), or while another worker is taking it.
    func claimRun<Record: RunRecord>(
        _ type: Record.Type, _ id: Int64, preparing prepare: @escaping @Sendable (inout Record) -> Void
    ) async throws -> (Record, RunClaim) {
        try await write { tx in
            guard var row = try tx.fetchForClaim(Record.self, id: id) else {
                guard try tx.exists(Record.self, id: id) else { throw runNotFound(Record.self, id) }
                throw SQLPipeError.conflict("\(Record.noun) \(id) is being claimed by another worker")
            }
            guard row.status == RunStatus.queued.rawValue else {
                throw SQLPipeError.conflict(
                    "\(Record.noun) \(id) is \(row.status): only a queued \(Record.noun) can run")
            }
            let token = row.takeClaim()
            prepare(&row)
            guard let stored = try tx.update(row) else { throw runNotFound(Record.self, id) }
            return (stored, RunClaim(id: id, token: token))
        }
    }

    /// Stores a new record: queued, or already claimed by this process (a foreground run, which no server
    /// worker may take in the moment between storing and claiming).
    func insertRun<Record: RunRecord>(
        _ record: Record, claimed: Bool,
        preparing prepare: @escaping @Sendable (inout Record, Int64) -> Void
    ) async throws -> (Record, RunClaim?) {
        var row = record
        let token = claimed ? row.takeClaim() : nil
        let prepared = row
        return try await write { tx in
            var inserted = try tx.insert(prepared)
            guard let id = inserted.id else { throw SQLPipeError.store("a stored \(Record.noun) has no id") }
            if claimed {
                prepare(&inserted, id)
                inserted = try tx.update(inserted) ?? inserted
            }
            return (inserted, token.map { RunClaim(id: id, token: $0) })
        }
    }

    /// Records how a run ended; `update` fills in what is particular to the kind. Only the claim that
    /// runs the record may finish it: a run recovered meanwhile (its lease had expired) stays as recovery
    /// left it. A store that is busy or failing is tried again for a while, so that a finished run is
    /// not left `running`.
    func finishRun<Record: RunRecord>(
        _ type: Record.Type, _ claim: RunClaim, _ update: @escaping @Sendable (inout Record) -> Void
    ) async throws -> Record {
        var delay: Duration = .milliseconds(100)
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                return try await write { tx in
                    guard var row = try tx.fetchOne(Record.self, id: claim.id) else {
                        throw runNotFound(Record.self, claim.id)
                    }
                    guard row.runnerToken == claim.token, row.status == RunStatus.running.rawValue else {
                        throw SQLPipeError.conflict(
                            "\(Record.noun) \(claim.id) was taken from this process (its lease expired): it is \(row.status)"
                        )
                    }
                    row.stoppedAt = Date()
                    row.runnerPid = nil
                    row.leaseExpiresAt = nil
                    update(&row)
                    guard let stored = try tx.update(row) else { throw runNotFound(Record.self, claim.id) }
                    return stored
                }
            } catch SQLPipeError.store(let message) where ContinuousClock.now < deadline {
                FileHandle.standardError.write(
                    Data("sqlpipe: recording the end of \(Record.noun) \(claim.id) failed, retrying: \(message)\n".utf8)
                )
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// Cancels a queued record at once; asks the runner of a running one to stop. A finished one cannot be.
    func cancelRun<Record: RunRecord>(_ type: Record.Type, _ id: Int64) async throws -> Record {
        try await write { tx in
            guard var row = try tx.fetchOne(Record.self, id: id) else { throw runNotFound(Record.self, id) }
            switch RunStatus(rawValue: row.status) {
            case .queued:
                row.status = RunStatus.cancelled.rawValue
                row.stoppedAt = Date()
                row.error = "cancelled before it started"
            case .running:
                row.cancelRequested = true
            default:
                throw SQLPipeError.conflict(
                    "\(Record.noun) \(id) is already \(row.status): only a queued or running \(Record.noun) can be cancelled"
                )
            }
            guard let stored = try tx.update(row) else { throw runNotFound(Record.self, id) }
            return stored
        }
    }

    func deleteRun<Record: RunRecord>(_ type: Record.Type, _ id: Int64) async throws {
        try await write { tx in
            guard let row = try tx.fetchOne(Record.self, id: id) else { throw runNotFound(Record.self, id) }
            if row.status == RunStatus.running.rawValue {
                throw SQLPipeError.conflict("\(Record.noun) \(id) is running: cancel it first")
            }
            try tx.delete(Record.self, id: id)
        }
    }

    /// Marks the running records whose runner is gone as failed ("interrupted") and returns them as they
    /// were. A runner is gone when its lease expired, or, sooner, when it ran in this very machine and pid
    /// namespace and its process no longer exists. On a store that several hosts share, this is how the
    /// work of a host that died is found: its leases stop being renewed.
    func recoverInterruptedRuns<Record: RunRecord>(
        _ type: Record.Type, now: Date, _ update: @escaping @Sendable (inout Record) -> Void
    ) async throws -> [Record] {
        let orphans = try await read { tx in
            try tx.fetchAll(Record.self, where: "status = ?", storeArguments(RunStatus.running.rawValue))
        }.filter { Runner.isGone(pid: $0.runnerPid, host: $0.runnerHost, leaseExpiresAt: $0.leaseExpiresAt, now: now) }
        var recovered: [Record] = []
        for orphan in orphans {
            guard let id = orphan.id else { continue }
            let taken = try await write { tx -> Bool in
                // Only the claim that was judged gone: a renewal since then means it lives.
                guard var row = try tx.fetchOne(Record.self, id: id), row.status == RunStatus.running.rawValue,
                    row.runnerToken == orphan.runnerToken, row.leaseExpiresAt == orphan.leaseExpiresAt
                else { return false }
                let runner = [
                    row.runnerHost?.split(separator: " ").first.map(String.init), row.runnerPid.map { "pid \($0)" },
                ]
                .compactMap { $0 }.joined(separator: ", ")
                row.status = RunStatus.error.rawValue
                row.error =
                    runner.isEmpty || row.runnerHost == Runner.host
                    ? "interrupted: the process running it stopped"
                    : "interrupted: runner \(runner) lost (its lease expired)"
                row.stoppedAt = Date()
                row.runnerPid = nil
                row.runnerToken = nil
                row.leaseExpiresAt = nil
                update(&row)
                return try tx.update(row) != nil
            }
            if taken { recovered.append(orphan) }
        }
        return recovered
    }

    /// Keeps `inserted`, just stored for `username`, only while that user's queued and running work is at
    /// most `maximum`, and returns how much there is. The count is taken after the insert, in one write
    /// with the removal, so that parallel requests cannot all slip under the cap.
    func keepRun<Record: RunRecord>(
        _ inserted: Record, ifActiveRunsOf username: String, areAtMost maximum: Int
    ) async throws -> Int {
        guard let id = inserted.id else { throw SQLPipeError.store("a stored \(Record.noun) has no id") }
        return try await write { tx -> Int in
            let active = try tx.count(
                """
                SELECT
                  (SELECT count(*) FROM transfers WHERE created_by = ? AND status IN ('queued', 'running'))
                  + (SELECT count(*) FROM queries WHERE created_by = ? AND status IN ('queued', 'running')) AS n
                """, storeArguments(username, username))
            if active > maximum { try tx.delete(Record.self, id: id) }
            return active
        }
    }

    func transferPage(_ request: PageRequest) async throws -> ([TransferRow], PageMetadata) {
        try await page(of: TransferRow.self, request)
    }

    /// A page of queries read without their results, which may weigh a megabyte each.
    func queryPageWithoutResults(_ request: PageRequest) async throws -> ([QueryRow], PageMetadata) {
        let (rows, metadata) = try await page(of: QuerySummaryRow.self, request)
        return (rows.map(\.row), metadata)
    }

    /// Up to `limit` queued transfers, queries and replication runs, oldest first (ties: replication runs,
    /// then transfers, then queries, then by id).
    func queuedWork(limit: Int) async throws -> [QueuedWork] {
        guard limit > 0 else { return [] }
        return try await read { tx in
            // GRDB rows are not Sendable: they become QueuedWork inside the read.
            try tx.rows(
                """
                SELECT 'transfer' AS kind, 1 AS rank, id, created_at FROM transfers WHERE status = 'queued'
                UNION ALL
                SELECT 'query' AS kind, 2 AS rank, id, created_at FROM queries WHERE status = 'queued'
                UNION ALL
                SELECT 'replication-run' AS kind, 0 AS rank, id, created_at FROM replication_runs
                WHERE status = 'queued'
                ORDER BY created_at, rank, id LIMIT ?
                """, limit
            ).compactMap { row -> QueuedWork? in
                guard let kind = QueuedWork.Kind(rawValue: row["kind"]) else { return nil }
                return QueuedWork(kind: kind, id: row["id"], createdAt: row["created_at"])
            }
        }
    }

    /// How many transfers, queries and replication runs wait in `queued` (from the indexes on `status`).
    func queuedCounts() async throws -> [QueuedWork.Kind: Int] {
        try await read { tx in
            let queued = storeArguments(RunStatus.queued.rawValue)
            return [
                .transfer: try tx.count("SELECT count(*) AS n FROM transfers WHERE status = ?", queued),
                .query: try tx.count("SELECT count(*) AS n FROM queries WHERE status = ?", queued),
                .replicationRun: try tx.count("SELECT count(*) AS n FROM replication_runs WHERE status = ?", queued),
            ]
        }
    }

    /// Finished transfers that may have left a table on their target.
    func transfersPendingCleanup() async throws -> [TransferRow] {
        try await read { tx in
            try tx.fetchAll(
                TransferRow.self, where: "cleanup_pending = ? AND status <> ?",
                storeArguments(true, RunStatus.running.rawValue))
        }
    }

    func markCleanedUp(transfer id: Int64) async throws {
        try await write { tx in
            try tx.execute("UPDATE transfers SET cleanup_pending = ? WHERE id = ?", false, id)
        }
    }

    /// Writes a run's progress (transfers) and extends its lease, if the claim still owns it; blocking,
    /// for the watcher's thread.
    func renew(_ table: RunTable, claim: RunClaim, rows: Int, until expiry: Date) throws -> RenewedRun {
        try writeBlocking { tx -> RenewedRun in
            let progress = table == .transfer ? "rows_transferred = ?, " : ""
            let values: [DatabaseValue] =
                (table == .transfer ? storeArguments(rows) : [])
                + storeArguments(expiry, claim.id, claim.token)
            let changed = try tx.execute(
                """
                UPDATE \(table.rawValue) SET \(progress)lease_expires_at = ?
                WHERE id = ? AND runner_token = ? AND status = 'running'
                """, values)
            guard changed > 0 else { return .ownedByOther }
            let requested: Bool? = try tx.rows(
                "SELECT cancel_requested FROM \(table.rawValue) WHERE id = ?", claim.id
            ).first?["cancel_requested"]
            return requested == true ? .cancelRequested : .running
        }
    }
}

private func runNotFound<Record: RunRecord>(_ type: Record.Type, _ id: Int64) -> SQLPipeError {
    .notFound("no \(Record.noun) with id \(id)")
}
