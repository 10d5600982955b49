import Foundation
import SQLPipeEngine

/// Creates, changes, lists and deletes replications, and starts, runs, lists and cancels their runs. Admins
/// define replications; any user may run them and read their runs, as with transfers.
public struct ReplicationService: Sendable {
    let store: any MetadataStoring
    let connections: ConnectionService
    let transfers: TransferService

    public func create(_ definition: ReplicationDefinition, by caller: Caller) async throws -> Replication {
        try Self.requireAdmin(caller, to: "create")
        let valid = try await ReplicationRules.validate(definition, by: caller, in: connections)
        let now = Date()
        let row = ReplicationRow(
            id: nil, name: valid.name, sourceId: valid.source.id, targetId: valid.target.id,
            defaults: definition.defaults, streams: definition.streams, exclude: definition.exclude,
            concurrency: valid.concurrency, schedule: definition.schedule, timezone: definition.timezone,
            createdAt: now,
            createdBy: caller.username, updatedAt: now,
            nextRunAt: valid.schedule?.nextRun(after: now, in: valid.timeZone), skippedDueTimes: 0)
        return try Self.resource(try await store.insert(replication: row))
    }

    /// Replaces the definition of a replication; with `fields`, only those top-level fields (an API PATCH),
    /// the others kept as stored. A new schedule starts counting from now.
    public func update(
        _ reference: String, with definition: ReplicationDefinition, onlyFields fields: Set<String>? = nil,
        by caller: Caller
    ) async throws -> Replication {
        try Self.requireAdmin(caller, to: "change")
        let stored = try await store.replication(reference)
        var merged = definition
        if let fields {
            let current = Self.definition(of: stored)
            if !fields.contains("name") { merged.name = current.name }
            if !fields.contains("source") { merged.source = current.source }
            if !fields.contains("target") { merged.target = current.target }
            if !fields.contains("defaults") { merged.defaults = current.defaults }
            if !fields.contains("streams") { merged.streams = current.streams }
            if !fields.contains("exclude") { merged.exclude = current.exclude }
            if !fields.contains("concurrency") { merged.concurrency = current.concurrency }
            if !fields.contains("schedule") { merged.schedule = current.schedule }
            if !fields.contains("timezone") {
                // A schedule taken away takes its time zone with it.
                merged.timezone = fields.contains("schedule") && merged.schedule == nil ? nil : current.timezone
            }
        }
        let valid = try await ReplicationRules.validate(merged, by: caller, in: connections)
        let now = Date()
        var row = stored
        row.name = valid.name
        row.sourceId = valid.source.id
        row.targetId = valid.target.id
        row.defaults = merged.defaults
        row.streams = merged.streams
        row.exclude = merged.exclude
        row.concurrency = valid.concurrency
        if row.schedule != merged.schedule || row.timezone != merged.timezone {
            row.nextRunAt = valid.schedule?.nextRun(after: now, in: valid.timeZone)
        }
        row.schedule = merged.schedule
        row.timezone = merged.timezone
        row.updatedAt = now
        return try Self.resource(try await store.update(replication: row))
    }

    public func list(_ request: PageRequest) async throws -> Page<Replication> {
        let (rows, metadata) = try await store.replicationPage(request)
        return Page(items: try rows.map(Self.resource), metadata: metadata)
    }

    public func get(_ reference: String) async throws -> Replication {
        try Self.resource(try await store.replication(reference))
    }

    public func delete(_ reference: String, by caller: Caller) async throws {
        try Self.requireAdmin(caller, to: "delete")
        try await store.deleteReplication(try await store.replication(reference))
    }

    /// Queues a run for a server's workers (`--detach`, the API).
    public func startRun(_ reference: String, streams filter: String? = nil, by caller: Caller) async throws
        -> ReplicationRun
    {
        let replication = try await store.replication(reference)
        try await checkConnections(of: replication, usableBy: caller)
        let run = try Self.newRun(of: replication, streams: filter, by: caller)
        let (inserted, _) = try await store.insertReplicationRun(
            run, claimed: false, replicationName: replication.name)
        return try Self.resource(inserted)
    }

    /// Runs a replication in this process to its end: the CLI's foreground run. `progress` follows the
    /// streams while they run.
    public func runNow(
        _ reference: String, streams filter: String? = nil, by caller: Caller, control: RunControl = RunControl(),
        progress: ReplicationProgress = ReplicationProgress()
    ) async throws -> ReplicationRun {
        let replication = try await store.replication(reference)
        try await checkConnections(of: replication, usableBy: caller)
        let run = try Self.newRun(of: replication, streams: filter, by: caller)
        let (claimed, claim) = try await store.insertReplicationRun(
            run, claimed: true, replicationName: replication.name)
        guard let claim else { throw SQLPipeError.store("a stored replication run has no claim") }
        return try await execute(claimed, claim: claim, control: control, progress: progress)
    }

    /// Runs a queued run to its end in this process: a server's worker. `onClaimed` learns the run once this
    /// process has claimed it.
    public func run(
        _ id: Int64, control: RunControl = RunControl(), onClaimed: (ReplicationRun) async -> Void = { _ in }
    ) async throws -> ReplicationRun {
        let (claimed, claim) = try await store.claimRun(ReplicationRunRow.self, id)
        if let started = try? Self.resource(claimed) { await onClaimed(started) }
        return try await execute(claimed, claim: claim, control: control, progress: ReplicationProgress())
    }

    public func runs(of reference: String, _ request: PageRequest) async throws -> Page<ReplicationRun> {
        let replication = try await store.replication(reference)
        let (rows, metadata) = try await store.replicationRunPage(of: replication.id ?? 0, request)
        return Page(items: try rows.map(Self.resource), metadata: metadata)
    }

    public func getRun(_ id: Int64) async throws -> ReplicationRun {
        try Self.resource(try await store.findRun(ReplicationRunRow.self, id))
    }

    /// Cancels a queued run at once; asks a running one to stop: its running streams are cancelled and
    /// leave their targets as they were, the ones not started do not start.
    public func cancelRun(_ id: Int64) async throws -> ReplicationRun {
        try Self.resource(try await store.cancelRun(ReplicationRunRow.self, id))
    }

    /// Queues the runs whose schedule has come due at `now`, one per replication and due time, and moves
    /// each schedule on past `now`. A due time before `missedBefore` passed while no server ran (a server
    /// starting up passes its start): it is skipped, not made up.
    @discardableResult
    public func startDueRuns(at now: Date = Date(), missedBefore: Date? = nil) async throws -> [ReplicationRun] {
        var started: [ReplicationRun] = []
        for replication in try await store.dueReplications(at: now) {
            guard let id = replication.id, let due = replication.nextRunAt else { continue }
            let next = try Self.schedule(of: replication).flatMap { $0.expression.nextRun(after: now, in: $0.zone) }
            let creator = "schedule"
            let missed = missedBefore.map { due < $0 } ?? false
            if let run = try await store.startScheduledRun(
                of: id, due: due, next: next, missed: missed,
                makeRun: { skipped in
                    ReplicationRunRow(
                        id: nil, replicationId: id, createdAt: Date(), createdBy: creator, createdByAdmin: true,
                        status: RunStatus.queued.rawValue, error: nil, streamFilter: nil, scheduledFor: due,
                        skippedDueTimes: skipped, streams: [], startedAt: nil, stoppedAt: nil, runnerPid: nil,
                        runnerHost: nil, runnerToken: nil, leaseExpiresAt: nil, cancelRequested: false)
                })
            {
                started.append(try Self.resource(run))
            }
        }
        return started
    }

    /// Marks runs whose runner is gone as interrupted, with the streams they were running.
    func recoverInterrupted() async throws {
        _ = try await store.recoverInterruptedRuns(ReplicationRunRow.self) { row in
            row.streams = row.streams.map { stream in
                guard !stream.status.isFinished else { return stream }
                var interrupted = stream
                interrupted.status = .error
                interrupted.error = "interrupted: the process running it stopped"
                return interrupted
            }
        }
    }

    private func execute(
        _ run: ReplicationRunRow, claim: RunClaim, control: RunControl, progress: ReplicationProgress
    ) async throws -> ReplicationRun {
        let runner = ReplicationRunner(store: store, connections: connections, transfers: transfers)
        let outcome = await RunWatcher.watching(.replicationRun, claim: claim, store: store, control: control) {
            try await runner.run(run, claim: claim, control: control, progress: progress)
        }
        let cancelled = control.isCancelled
        let finished = try await store.finishRun(ReplicationRunRow.self, claim) { row in
            switch outcome {
            case .success(let streams):
                row.streams = streams
                let failed = streams.filter { $0.status == .error }.count
                if cancelled || streams.contains(where: { $0.status == .cancelled }) {
                    row.status = RunStatus.cancelled.rawValue
                    row.error = "cancelled; the streams that were running left their targets as they were"
                } else if failed > 0 {
                    row.status = RunStatus.error.rawValue
                    row.error = "\(failed) of \(streams.count) streams failed"
                } else {
                    row.status = RunStatus.complete.rawValue
                }
            case .failure(let error):
                row.status = cancelled ? RunStatus.cancelled.rawValue : RunStatus.error.rawValue
                row.error = cancelled ? "cancelled before its streams started" : RunLifecycle.message(of: error)
                row.streams = progress.results
            }
        }
        return try Self.resource(finished)
    }

    /// A run is refused at once (403, 409) when its caller may not use a connection of the replication, or
    /// one was deleted, rather than failing later in a worker.
    private func checkConnections(of replication: ReplicationRow, usableBy caller: Caller) async throws {
        guard let sourceID = replication.sourceId, let targetID = replication.targetId else {
            throw SQLPipeError.conflict("a connection of replication '\(replication.name)' was deleted")
        }
        _ = try await connections.usable(sourceID, field: "source", by: caller)
        _ = try await connections.usable(targetID, field: "target", by: caller)
    }

    private static func newRun(of replication: ReplicationRow, streams filter: String?, by caller: Caller) throws
        -> ReplicationRunRow
    {
        if let filter {
            do { _ = try TablePattern(filter) } catch {
                throw SQLPipeError.validation(["stream": error.description])
            }
        }
        return ReplicationRunRow(
            id: nil, replicationId: replication.id, createdAt: Date(), createdBy: caller.username,
            createdByAdmin: caller.admin, status: RunStatus.queued.rawValue, error: nil, streamFilter: filter,
            scheduledFor: nil, skippedDueTimes: 0, streams: [], startedAt: nil, stoppedAt: nil, runnerPid: nil,
            runnerHost: nil, runnerToken: nil, leaseExpiresAt: nil, cancelRequested: false)
    }

    private static func requireAdmin(_ caller: Caller, to verb: String) throws {
        guard caller.admin else { throw SQLPipeError.forbidden("only admins may \(verb) replications") }
    }

    static func schedule(of row: ReplicationRow) throws -> (expression: CronExpression, zone: TimeZone)? {
        guard let text = row.schedule else { return nil }
        let zone = row.timezone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(secondsFromGMT: 0) ?? .current
        do {
            return (try CronExpression(text), zone)
        } catch {
            throw SQLPipeError.store("replication '\(row.name)' has a schedule that no longer parses: \(error)")
        }
    }

    static func definition(of row: ReplicationRow) -> ReplicationDefinition {
        ReplicationDefinition(
            name: row.name, source: row.sourceId.map(String.init), target: row.targetId.map(String.init),
            defaults: row.defaults, streams: row.streams, exclude: row.exclude, concurrency: row.concurrency,
            schedule: row.schedule, timezone: row.timezone)
    }

    static func resource(_ row: ReplicationRow) throws -> Replication {
        guard let id = row.id else { throw SQLPipeError.store("a stored replication has no id") }
        return Replication(
            id: id, name: row.name, sourceID: row.sourceId, targetID: row.targetId, defaults: row.defaults,
            streams: row.streams, exclude: row.exclude, concurrency: row.concurrency, schedule: row.schedule,
            timezone: row.timezone, createdAt: row.createdAt, createdBy: row.createdBy, updatedAt: row.updatedAt,
            nextRunAt: row.nextRunAt)
    }

    static func resource(_ row: ReplicationRunRow) throws -> ReplicationRun {
        guard let id = row.id, let status = RunStatus(rawValue: row.status) else {
            throw SQLPipeError.store("a stored replication run is incomplete")
        }
        return ReplicationRun(
            id: id, replicationID: row.replicationId, status: status, createdAt: row.createdAt,
            createdBy: row.createdBy, startedAt: row.startedAt, stoppedAt: row.stoppedAt, error: row.error,
            streamFilter: row.streamFilter, scheduledFor: row.scheduledFor, skippedDueTimes: row.skippedDueTimes,
            streams: row.streams)
    }
}
