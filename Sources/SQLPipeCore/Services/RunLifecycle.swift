import Foundation
import GRDB
import SQLPipeEngine

/// A stored transfer or query: both go queued → running → complete | error | cancelled.
protocol RunRecord: StoreRecord, TableRecord {
    /// "transfer" or "query", for messages.
    static var noun: String { get }
    static var runTable: MetadataStore.RunTable { get }
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
    static var runTable: MetadataStore.RunTable { .transfer }
}

extension QueryRow: RunRecord {
    static var noun: String { "query" }
    static var runTable: MetadataStore.RunTable { .query }
}

/// The steps of the lifecycle that transfers and queries share.
enum RunLifecycle {
    static func notFound<Record: RunRecord>(_ type: Record.Type, _ id: Int64) -> SQLPipeError {
        .notFound("no \(Record.noun) with id \(id)")
    }

    static func find<Record: RunRecord>(_ type: Record.Type, _ id: Int64, in store: MetadataStore) async throws -> Record {
        try await store.read { db in
            guard let row = try Record.fetchOne(db, key: id) else { throw notFound(Record.self, id) }
            return row
        }
    }

    /// Takes a queued record for this process: `running`, under a new claim. Fails when it is no longer
    /// queued (another worker took it, or it was cancelled).
    static func claim<Record: RunRecord>(
        _ type: Record.Type, _ id: Int64, in store: MetadataStore, preparing prepare: @escaping @Sendable (inout Record) -> Void = { _ in }
    ) async throws -> (Record, RunClaim) {
        try await store.write { db in
            guard var row = try Record.fetchOne(db, key: id) else { throw notFound(Record.self, id) }
            guard row.status == RunStatus.queued.rawValue else {
                throw SQLPipeError.conflict("\(Record.noun) \(id) is \(row.status): only a queued \(Record.noun) can run")
            }
            let token = row.takeClaim()
            prepare(&row)
            try row.update(db)
            return (row, RunClaim(id: id, token: token))
        }
    }

    /// Stores a new record: queued, or already claimed by this process (a foreground run, which no server
    /// worker may take in the moment between storing and claiming).
    static func insert<Record: RunRecord>(
        _ record: Record, claimed: Bool, in store: MetadataStore,
        preparing prepare: @escaping @Sendable (inout Record, Int64) -> Void = { _, _ in }
    ) async throws -> (Record, RunClaim?) {
        var row = record
        let token = claimed ? row.takeClaim() : nil
        let prepared = row
        return try await store.write { db in
            var inserted = prepared
            try inserted.insert(db)
            guard let id = inserted.id else { throw SQLPipeError.store("a stored \(Record.noun) has no id") }
            if claimed {
                prepare(&inserted, id)
                try inserted.update(db)
            }
            return (try inserted.reloaded(db), token.map { RunClaim(id: id, token: $0) })
        }
    }

    /// Records how a run ended; `update` fills in what is particular to the kind. Only the claim that
    /// runs the record may finish it: a run recovered meanwhile (its lease had expired) stays as recovery
    /// left it. A store that is busy or failing is tried again for a while, so that a finished run is
    /// not left `running`.
    static func finish<Record: RunRecord>(
        _ type: Record.Type, _ claim: RunClaim, in store: MetadataStore, _ update: @escaping @Sendable (inout Record) -> Void
    ) async throws -> Record {
        var delay: Duration = .milliseconds(100)
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                return try await store.write { db in
                    guard var row = try Record.fetchOne(db, key: claim.id) else { throw notFound(Record.self, claim.id) }
                    guard row.runnerToken == claim.token, row.status == RunStatus.running.rawValue else {
                        throw SQLPipeError.conflict(
                            "\(Record.noun) \(claim.id) was taken from this process (its lease expired): it is \(row.status)")
                    }
                    row.stoppedAt = Date()
                    row.runnerPid = nil
                    row.leaseExpiresAt = nil
                    update(&row)
                    try row.update(db)
                    return try row.reloaded(db)
                }
            } catch SQLPipeError.store(let message) where ContinuousClock.now < deadline {
                FileHandle.standardError.write(Data("sqlpipe: recording the end of \(Record.noun) \(claim.id) failed, retrying: \(message)\n".utf8))
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// Runs a claimed record to its end and records how it ended: the one path of transfers and queries.
    /// `prepare` gathers what the run needs from the store (its failure fails the run); `work` runs it,
    /// blocking, on a thread of its own while the watcher renews the lease and reads cancel requests;
    /// `record` adds what is particular to the kind to the finished row, given the work's output when it
    /// succeeded. A cancelled run ends `cancelled` with `cancelledMessage`, a failed one `error` with the
    /// failure's message.
    static func execute<Record: RunRecord, Prepared: Sendable, Output: Sendable>(
        _ type: Record.Type, _ claim: RunClaim, in store: MetadataStore, control: RunControl,
        cancelledMessage: String,
        prepare: () async throws -> Prepared,
        work: @escaping @Sendable (Prepared) throws -> Output,
        record: @escaping @Sendable (inout Record, Prepared?, Output?) -> Void
    ) async throws -> Record {
        var prepared: Prepared?
        let outcome: Result<Output, any Error>
        do {
            let ready = try await prepare()
            prepared = ready
            outcome = await RunWatcher.run(Record.runTable, claim: claim, store: store, control: control) {
                try control.checkCancelled()
                do {
                    return try work(ready)
                } catch {
                    // A statement stopped by the cancel fails with the server's own words: it was the cancel.
                    if control.isCancelled { throw RunCancelled() }
                    throw error
                }
            }
        } catch {
            outcome = .failure(error)
        }
        let cancelled = control.isCancelled
        let ready = prepared
        return try await finish(Record.self, claim, in: store) { row in
            switch outcome {
            case .success(let output):
                row.status = RunStatus.complete.rawValue
                record(&row, ready, output)
            case .failure(let error):
                if error is RunCancelled || cancelled {
                    row.status = RunStatus.cancelled.rawValue
                    row.error = cancelledMessage
                } else {
                    row.status = RunStatus.error.rawValue
                    row.error = message(of: error)
                }
                record(&row, ready, nil)
            }
        }
    }

    /// A failure as a record's `error` says it: the driver's or sqlpipe's own words.
    static func message(of error: any Error) -> String {
        switch error {
        case let error as DriverError: error.message
        case let error as SQLPipeError: error.description
        default: "\(error)"
        }
    }

    /// Cancels a queued record at once; asks the runner of a running one to stop. A finished one cannot be.
    static func cancel<Record: RunRecord>(_ type: Record.Type, _ id: Int64, in store: MetadataStore) async throws -> Record {
        try await store.write { db in
            guard var row = try Record.fetchOne(db, key: id) else { throw notFound(Record.self, id) }
            switch RunStatus(rawValue: row.status) {
            case .queued:
                row.status = RunStatus.cancelled.rawValue
                row.stoppedAt = Date()
                row.error = "cancelled before it started"
            case .running:
                row.cancelRequested = true
            default:
                throw SQLPipeError.conflict(
                    "\(Record.noun) \(id) is already \(row.status): only a queued or running \(Record.noun) can be cancelled")
            }
            try row.update(db)
            return try row.reloaded(db)
        }
    }

    static func delete<Record: RunRecord>(_ type: Record.Type, _ id: Int64, in store: MetadataStore) async throws {
        try await store.write { db in
            guard let row = try Record.fetchOne(db, key: id) else { throw notFound(Record.self, id) }
            if row.status == RunStatus.running.rawValue {
                throw SQLPipeError.conflict("\(Record.noun) \(id) is running: cancel it first")
            }
            _ = try Record.deleteOne(db, key: id)
        }
    }

    /// Marks the running records whose runner is gone as failed ("interrupted") and returns them as they
    /// were. A runner is gone when its lease expired, or, sooner, when it ran in this very machine and pid
    /// namespace and its process no longer exists.
    static func recoverInterrupted<Record: RunRecord>(
        _ type: Record.Type, in store: MetadataStore, now: Date = Date(),
        _ update: @escaping @Sendable (inout Record) -> Void = { _ in }
    ) async throws -> [Record] {
        let orphans = try await store.read { db in
            try Record.filter(Column("status") == RunStatus.running.rawValue).fetchAll(db)
        }.filter { Runner.isGone(pid: $0.runnerPid, host: $0.runnerHost, leaseExpiresAt: $0.leaseExpiresAt, now: now) }
        var recovered: [Record] = []
        for orphan in orphans {
            guard let id = orphan.id else { continue }
            let taken = try await store.write { db -> Bool in
                // Only the claim that was judged gone: a renewal since then means it lives.
                guard var row = try Record.fetchOne(db, key: id), row.status == RunStatus.running.rawValue,
                    row.runnerToken == orphan.runnerToken, row.leaseExpiresAt == orphan.leaseExpiresAt
                else { return false }
                row.status = RunStatus.error.rawValue
                row.error = "interrupted: the process running it stopped"
                row.stoppedAt = Date()
                row.runnerPid = nil
                row.runnerToken = nil
                row.leaseExpiresAt = nil
                update(&row)
                try row.update(db)
                return true
            }
            if taken { recovered.append(orphan) }
        }
        return recovered
    }
}
