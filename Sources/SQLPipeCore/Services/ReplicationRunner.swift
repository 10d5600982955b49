import Foundation
import SQLPipeEngine

/// How the streams of a run stand while it runs: each stream's result so far and, while it runs, its
/// transfer's control (for its live row count). The CLI reads it for its live lines.
public final class ReplicationProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var streams: [StreamResult] = []
    private var controls: [Int: RunControl] = [:]

    public init() {}

    /// Each stream's result so far, in the order of the definition (a pattern's matches in name order).
    public var results: [StreamResult] { lock.withLock { streams } }

    /// The rows read so far by each running stream, by its index in `results`.
    public var liveRows: [Int: Int] { lock.withLock { controls.mapValues(\.rowsTransferred) } }

    func set(_ results: [StreamResult]) {
        lock.withLock { streams = results }
    }

    func update(_ index: Int, control: RunControl? = nil, _ change: (inout StreamResult) -> Void) -> [StreamResult] {
        lock.withLock {
            change(&streams[index])
            controls[index] = streams[index].status == .running ? control ?? controls[index] : nil
            return streams
        }
    }
}

/// One stream of a run as it will be run: the transfer it makes, or why it cannot be made.
struct PlannedStream: Sendable {
    var result: StreamResult
    var input: TransferInput?
}

/// Runs the streams of a claimed replication run: expands the table streams against the source's catalog,
/// then runs up to `concurrency` of them at once, each one transfer of its own, atomic on its own. A stream
/// that fails does not stop the others; a cancel stops the running ones and starts no more.
struct ReplicationRunner: Sendable {
    let store: any MetadataStoring
    let connections: ConnectionService
    let transfers: TransferService

    /// The streams as they ended. Throws when the run cannot begin at all (a connection gone, a source
    /// that cannot be reached to read its catalog).
    func run(
        _ run: ReplicationRunRow, claim: RunClaim, control: RunControl, progress: ReplicationProgress
    ) async throws -> [StreamResult] {
        guard let replicationID = run.replicationId else {
            throw SQLPipeError.conflict("the replication of run \(claim.id) was deleted")
        }
        let replication = try await store.replication(String(replicationID))
        guard let sourceID = replication.sourceId, let targetID = replication.targetId else {
            throw SQLPipeError.conflict("a connection of replication '\(replication.name)' was deleted")
        }
        // As the run's creator may use them now: a connection restricted since is refused.
        let (_, source) = try await connections.usable(sourceID, field: "source", by: run.creator)
        let (target, _) = try await connections.usable(targetID, field: "target", by: run.creator)
        let filter = try run.streamFilter.map { try TablePattern($0) }
        let plan = try await runBlocking {
            try Self.plan(replication, source: source, targetSystem: target.dsType, filter: filter, control: control)
        }
        if let filter = run.streamFilter, plan.isEmpty {
            throw SQLPipeError.validation([
                "stream": "'\(filter)' matches no stream of replication '\(replication.name)'"
            ])
        }
        progress.set(plan.map(\.result))
        try await store.record(streams: progress.results, of: claim)
        // SQLite takes one writer at a time: streams into one file would only wait for each other's locks.
        let concurrency = target.dsType == .sqlite ? 1 : max(1, replication.concurrency)

        let creator = run.creator
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func startNext() -> Bool {
                while next < plan.count {
                    let index = next
                    next += 1
                    guard let input = plan[index].input else { continue }
                    group.addTask {
                        await runStream(
                            index, input: input, sourceID: sourceID, targetID: targetID, by: creator, run: claim,
                            control: control, progress: progress)
                    }
                    return true
                }
                return false
            }
            for _ in 0..<concurrency where startNext() {}
            for await _ in group { _ = startNext() }
        }
        return progress.results
    }

    private func runStream(
        _ index: Int, input: TransferInput, sourceID: Int64, targetID: Int64, by creator: Caller, run claim: RunClaim,
        control: RunControl, progress: ReplicationProgress
    ) async {
        let stream = RunControl()
        var streamInput = input
        streamInput.sourceID = sourceID
        streamInput.targetID = targetID
        do {
            // The run's cancel reaches every stream it started; one not started yet does not start.
            try control.attach(canceller: StreamCancel(control: stream))
            let transfer = try await transfers.runNow(
                streamInput, by: creator, control: stream, replicationRun: claim.id,
                started: { transfer in
                    let results = progress.update(index, control: stream) {
                        $0.status = .running
                        $0.transferID = transfer.id
                    }
                    try? await store.record(streams: results, of: claim)
                })
            let results = progress.update(index) { result in
                result.status = transfer.status
                result.transferID = transfer.id
                result.rowsTransferred = transfer.rowsTransferred
                result.rowsInserted = transfer.rowsInserted
                result.rowsUpdated = transfer.rowsUpdated
                result.rowsDeleted = transfer.rowsDeleted
                result.error = transfer.error
            }
            try? await store.record(streams: results, of: claim)
        } catch {
            let cancelled = error is RunCancelled || control.isCancelled
            let results = progress.update(index) { result in
                result.status = cancelled ? .cancelled : .error
                result.error = cancelled ? "not started: the run was cancelled" : RunLifecycle.message(of: error)
            }
            try? await store.record(streams: results, of: claim)
        }
    }

    /// The streams to run, in the definition's order: a table stream's key read from the source's catalog,
    /// a pattern expanded into one stream per table it matches. Blocking: it reads the source's catalog.
    static func plan(
        _ replication: ReplicationRow, source: ConnectionConfig, targetSystem: DataSystem, filter: TablePattern?,
        control: RunControl
    ) throws -> [PlannedStream] {
        let session = try Drivers.open(source, timeoutSeconds: 30)
        defer { session.close() }
        try control.attach(abortingOnly: session.canceller())
        let dialect = session.dialect
        let caseSensitive = dialect.caseSensitiveNames
        let excluded = replication.exclude.compactMap { try? TablePattern($0) }
        let exactTables = replication.streams.compactMap { $0.table.flatMap { try? TablePattern($0) } }
            .filter { !$0.isPattern }
        var planned: [PlannedStream] = []
        var targets: [String: String] = [:]
        let targetFolds = !Drivers.dialect(for: targetSystem).caseSensitiveNames

        func add(_ stream: ReplicationStream, table pattern: TablePattern?, name: String?) {
            let sourceTable = pattern.map { TableName(schema: $0.schema, name: name ?? $0.table) }
            let targetTable = stream.targetTable ?? sourceTable?.name ?? ""
            let settings = replication.defaults.overlaid(by: stream.settings)
            let targetSchema = settings.targetSchema ?? ""
            var result = StreamResult(
                stream: stream.label, sourceTable: sourceTable?.description,
                targetTable: TableName(schema: targetSchema, name: targetTable).description, status: .queued)
            if let filter, !Self.matches(filter, stream: stream, table: sourceTable, caseSensitive: caseSensitive) {
                return
            }
            let targetKey = targetFolds ? (result.targetTable ?? "").lowercased() : result.targetTable ?? ""
            if let other = targets[targetKey] {
                result.status = .error
                result.error = "\(result.targetTable ?? "") is written by stream \(other) already"
                planned.append(PlannedStream(result: result, input: nil))
                return
            }
            targets[targetKey] = result.sourceTable ?? result.stream
            do {
                var key: [String] = []
                let query: String
                if let sourceTable {
                    guard try session.tableColumns(sourceTable) != nil else {
                        throw SQLPipeError.notFound("the source has no table \(sourceTable)")
                    }
                    if settings.primaryKey == nil { key = try session.primaryKey(of: sourceTable) }
                    query = "SELECT * FROM \(dialect.qualified(sourceTable))"
                } else {
                    query = stream.query ?? ""
                }
                let mode = settings.mode.flatMap { TransferMode(rawValue: $0.lowercased()) } ?? .append
                if mode == .upsert, (settings.primaryKey ?? key).isEmpty {
                    throw SQLPipeError.validation([
                        "primaryKey":
                            "upsert needs a key: \(sourceTable?.description ?? "the table") has no PRIMARY KEY; give primaryKey"
                    ])
                }
                let input = ReplicationRules.transferInput(
                    of: stream, defaults: replication.defaults, query: query, targetTable: targetTable, primaryKey: key)
                planned.append(PlannedStream(result: result, input: input))
            } catch {
                result.status = .error
                result.error = RunLifecycle.message(of: error)
                planned.append(PlannedStream(result: result, input: nil))
            }
        }

        for stream in replication.streams {
            guard let text = stream.table else {
                add(stream, table: nil, name: nil)
                continue
            }
            let pattern = try TablePattern(text)
            guard pattern.isPattern else {
                add(stream, table: pattern, name: nil)
                continue
            }
            let names = try session.tableNames(in: pattern.schema).filter { name in
                pattern.matches(name, caseSensitive: caseSensitive)
                    // A table with a stream of its own, or excluded, is not the pattern's.
                    && !exactTables.contains {
                        $0.sameSchema(as: pattern, caseSensitive: caseSensitive)
                            && Self.same($0.table, name, caseSensitive)
                    }
                    && !excluded.contains {
                        $0.sameSchema(as: pattern, caseSensitive: caseSensitive)
                            && $0.matches(name, caseSensitive: caseSensitive)
                    }
            }
            if names.isEmpty {
                if let filter, !Self.matches(filter, stream: stream, table: nil, caseSensitive: caseSensitive) {
                    continue
                }
                planned.append(
                    PlannedStream(
                        result: StreamResult(
                            stream: stream.label, status: .error,
                            error:
                                "no table of \(pattern.schema.isEmpty ? "the default schema" : pattern.schema) matches \(pattern.table)"
                        ),
                        input: nil))
            }
            for name in names { add(stream, table: pattern, name: name) }
        }
        return planned
    }

    /// Whether `--stream` chooses this stream: by the source table it reads, the pattern it came from, or
    /// its target table.
    private static func matches(
        _ filter: TablePattern, stream: ReplicationStream, table: TableName?, caseSensitive: Bool
    ) -> Bool {
        if let table, filter.schema.isEmpty || same(filter.schema, table.schema, caseSensitive),
            filter.matches(table.name, caseSensitive: caseSensitive)
        {
            return true
        }
        if let text = stream.table, filter.description == text { return true }
        if let target = stream.targetTable, filter.schema.isEmpty, filter.matches(target, caseSensitive: caseSensitive)
        {
            return true
        }
        return false
    }

    private static func same(_ left: String, _ right: String, _ caseSensitive: Bool) -> Bool {
        caseSensitive ? left == right : left.lowercased() == right.lowercased()
    }
}

/// Passes a run's cancel on to one of its streams.
private struct StreamCancel: QueryCanceller {
    let control: RunControl
    func cancel() { control.cancel() }
}
