import Foundation
import GRDB

/// A stored transfer or query: both go queued → running → complete | error | cancelled.
protocol RunRecord: StoreRecord, TableRecord {
    /// "transfer" or "query", for messages.
    static var noun: String { get }
    var status: String { get set }
    var error: String? { get set }
    var startedAt: Date? { get set }
    var stoppedAt: Date? { get set }
    var runnerPid: Int? { get set }
    var runnerHost: String? { get set }
    var cancelRequested: Bool { get set }
}

extension TransferRow: RunRecord {
    static var noun: String { "transfer" }
}

extension QueryRow: RunRecord {
    static var noun: String { "query" }
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

    /// Takes a queued record for this process: `running`, with who runs it. Fails when it is no longer
    /// queued (another worker took it, or it was cancelled).
    static func claim<Record: RunRecord>(
        _ type: Record.Type, _ id: Int64, in store: MetadataStore, preparing prepare: @escaping @Sendable (inout Record) -> Void = { _ in }
    ) async throws -> Record {
        try await store.write { db in
            guard var row = try Record.fetchOne(db, key: id) else { throw notFound(Record.self, id) }
            guard row.status == RunStatus.queued.rawValue else {
                throw SQLPipeError.conflict("\(Record.noun) \(id) is \(row.status): only a queued \(Record.noun) can run")
            }
            row.status = RunStatus.running.rawValue
            row.startedAt = Date()
            row.runnerPid = Runner.pid
            row.runnerHost = Runner.host
            prepare(&row)
            try row.update(db)
            return row
        }
    }

    /// Stores a new record: queued, or already claimed by this process (a foreground run, which no server
    /// worker may take in the moment between storing and claiming).
    static func insert<Record: RunRecord>(_ record: Record, claimed: Bool, in store: MetadataStore) async throws -> Record {
        var row = record
        if claimed {
            row.status = RunStatus.running.rawValue
            row.startedAt = Date()
            row.runnerPid = Runner.pid
            row.runnerHost = Runner.host
        }
        let prepared = row
        return try await store.write { db in
            var inserted = prepared
            try inserted.insert(db)
            return try inserted.reloaded(db)
        }
    }

    /// Records how a run ended; `update` fills in what is particular to the kind.
    static func finish<Record: RunRecord>(
        _ type: Record.Type, _ id: Int64, in store: MetadataStore, _ update: @escaping @Sendable (inout Record) -> Void
    ) async throws -> Record {
        try await store.write { db in
            guard var row = try Record.fetchOne(db, key: id) else { throw notFound(Record.self, id) }
            row.stoppedAt = Date()
            row.runnerPid = nil
            update(&row)
            try row.update(db)
            return try row.reloaded(db)
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

    /// Marks the running records whose process died as failed ("interrupted") and returns them as they were.
    static func recoverInterrupted<Record: RunRecord>(
        _ type: Record.Type, in store: MetadataStore, _ update: @escaping @Sendable (inout Record) -> Void = { _ in }
    ) async throws -> [Record] {
        let orphans = try await store.read { db in
            try Record.filter(Column("status") == RunStatus.running.rawValue).fetchAll(db)
        }.filter { !Runner.isAlive(pid: $0.runnerPid, host: $0.runnerHost) }
        for orphan in orphans {
            guard let id = orphan.id else { continue }
            try await store.write { db in
                guard var row = try Record.fetchOne(db, key: id), row.status == RunStatus.running.rawValue else { return }
                row.status = RunStatus.error.rawValue
                row.error = "interrupted: the process running it stopped"
                row.stoppedAt = Date()
                row.runnerPid = nil
                update(&row)
                try row.update(db)
            }
        }
        return orphans
    }
}
