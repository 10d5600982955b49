import Foundation
import SQLPipeEngine

/// Creates, runs, lists, cancels and deletes queries: statements run on a connection, with the first
/// rows of the last result kept as a preview.
public struct QueryService: Sendable {
    /// The preview kept with a query: at most this many rows, and this many bytes of JSON, of the last result set.
    public static let previewRows = 1000
    public static let previewBytes = 1 << 20

    let store: any MetadataStoring
    let connections: ConnectionService

    /// Stores a new query in `queued`. It runs with `run`, in this process or a server's worker.
    public func create(_ input: QueryInput, by caller: Caller) async throws -> Query {
        let (inserted, _) = try await store.insertRun(try await validated(input, by: caller).row, claimed: false)
        try await ActiveRunQuota.admit(inserted, of: caller, in: store)
        return try Self.resource(inserted)
    }

    /// Stores a new query already claimed by this process and runs it: the CLI's foreground run.
    @discardableResult
    public func runNow(
        _ input: QueryInput, by caller: Caller, control: RunControl = RunControl(),
        output: (any StatementSink)? = nil
    ) async throws -> Query {
        let valid = try await validated(input, by: caller)
        let (claimed, claim) = try await store.insertRun(valid.row, claimed: true)
        try await ActiveRunQuota.admit(claimed, of: caller, in: store)
        guard let claim else { throw SQLPipeError.store("a stored query has no claim") }
        // The connection was just read and checked: the run uses it as it was.
        return try await execute(claimed, claim: claim, control: control, output: output, config: valid.config)
    }

    private func validated(
        _ input: QueryInput, by caller: Caller
    ) async throws -> (row: QueryRow, config: ConnectionConfig) {
        var problems: [String: String] = [:]
        let text = RunRules.queryText(input.query, into: &problems)
        let connection = try await RunRules.connection(
            input.connectionId, field: "connectionId", by: caller, in: connections, into: &problems)
        guard problems.isEmpty, let (resolved, config) = connection else { throw SQLPipeError.validation(problems) }
        let connectionID = resolved.id
        let row = QueryRow(
            id: nil, createdAt: Date(), createdBy: caller.username, createdByAdmin: caller.admin,
            connectionId: connectionID,
            query: text,
            status: RunStatus.queued.rawValue, error: nil, rowsAffected: nil, result: nil, startedAt: nil,
            stoppedAt: nil,
            runnerPid: nil, runnerHost: nil, cancelRequested: false, leaseExpiresAt: nil, runnerToken: nil)
        return (row, config)
    }

    /// A page of queries without their results: a result may weigh a megabyte, and it is private to
    /// its query's creator.
    public func list(_ request: PageRequest) async throws -> Page<Query> {
        let (rows, metadata) = try await store.queryPageWithoutResults(request)
        let queries = try rows.map { try Self.resource($0, result: nil, includesResult: false) }
        return Page(items: queries, metadata: metadata)
    }

    /// The query, with its result only for its creator and admins.
    public func get(_ id: Int64, for caller: Caller) async throws -> Query {
        try Self.resource(try await store.findRun(QueryRow.self, id), for: caller)
    }

    /// Cancels a queued query at once; asks a running one to stop (its runner stops the statement on the
    /// server). A finished query cannot be cancelled.
    public func cancel(_ id: Int64, for caller: Caller) async throws -> Query {
        try Self.resource(try await store.cancelRun(QueryRow.self, id), for: caller)
    }

    public func delete(_ id: Int64) async throws {
        try await store.deleteRun(QueryRow.self, id)
    }

    /// Runs a queued query to its end in this process. Every row of every result goes to `output` (the
    /// CLI streams them); the store keeps a capped preview of the last result. A cancel request in the
    /// store, from any process, or through `control`, stops the statement on its server. `onClaimed` sees
    /// it once this process has claimed it, before it runs.
    @discardableResult
    public func run(
        _ id: Int64, control: RunControl = RunControl(), output: (any StatementSink)? = nil,
        onClaimed: (Query) async -> Void = { _ in }
    ) async throws -> Query {
        let (claimed, claim) = try await store.claimRun(QueryRow.self, id)
        if let started = try? Self.resource(claimed, result: nil, includesResult: false) { await onClaimed(started) }
        return try await execute(claimed, claim: claim, control: control, output: output)
    }

    /// Runs a query this process has claimed, and records how it ended.
    /// Runs a claimed query: on `config` when the caller resolved its connection a moment ago, else on the
    /// connection as stored now.
    private func execute(
        _ claimed: QueryRow, claim: RunClaim, control: RunControl, output: (any StatementSink)?,
        config resolved: ConnectionConfig? = nil
    ) async throws -> Query {
        let preview = PreviewSink(forwardingTo: output)
        let finished = try await RunLifecycle.execute(
            QueryRow.self, claim, in: store, control: control, cancelledMessage: "cancelled",
            prepare: {
                if let resolved { return resolved }
                guard let connectionID = claimed.connectionId else {
                    throw SQLPipeError.conflict("the connection of query \(claim.id) was deleted")
                }
                // As its creator may use it now: a connection restricted since it was queued is refused.
                return try await connections.usable(connectionID, field: "connectionId", by: claimed.creator).1
            },
            work: { [text = claimed.query] config in
                let session = try Drivers.open(config)
                defer { session.close() }
                try control.attach(canceller: session.canceller())
                try session.runStatements(text, sink: preview)
            },
            record: { row, _, _ in
                // Also after a failure: the results of the statements that ran before it.
                row.rowsAffected = preview.rowsAffected
                row.result = preview.result
            })
        return try Self.resource(finished)
    }

    /// Marks the running queries whose process died as failed ("interrupted").
    func recoverInterrupted() async throws {
        _ = try await store.recoverInterruptedRuns(QueryRow.self)
    }

    static func resource(_ row: QueryRow, for caller: Caller = .machine) throws -> Query {
        let shown = caller.owns(row.createdBy)
        return try resource(row, result: shown ? row.result : nil, includesResult: shown)
    }

    static func resource(_ row: QueryRow, result: QueryResult?, includesResult: Bool) throws -> Query {
        guard let id = row.id, let status = RunStatus(rawValue: row.status) else {
            throw SQLPipeError.store("a stored query is incomplete")
        }
        return Query(
            id: id, createdAt: row.createdAt, createdBy: row.createdBy, connectionId: row.connectionId,
            query: row.query,
            status: status, error: row.error, rowsAffected: row.rowsAffected, result: result, startedAt: row.startedAt,
            stoppedAt: row.stoppedAt, includesResult: includesResult)
    }
}

/// Keeps the capped preview of the last result set and the rows statements changed, and passes every
/// event on to the caller's output.
final class PreviewSink: StatementSink, @unchecked Sendable {
    private let output: (any StatementSink)?
    private var columns: [ColumnDescription] = []
    private var rows: [[JSONValue]] = []
    /// The exact size of the preview's JSON so far. Escaping can make a row several times larger than its
    /// cells (a control character takes six bytes), so it is measured, not estimated.
    private var bytes = 0
    private var truncated = false
    /// Escapes `/` as the store's encoder does: its sizes are those of the stored JSON, at least those of any
    /// JSON sqlpipe writes of the preview.
    private let sizer = JSONEncoder()
    private(set) var result: QueryResult?
    private(set) var rowsAffected: Int?

    init(forwardingTo output: (any StatementSink)?) {
        self.output = output
    }

    private var resultColumns: [QueryResult.Column] { columns.map { .init(name: $0.name, type: $0.type.description) } }

    private func encodedSize(_ value: some Encodable) -> Int {
        (try? sizer.encode(value).count) ?? Int.max / 2
    }

    func begin(columns: [ColumnDescription]) throws {
        self.columns = columns
        rows = []
        truncated = false
        result = QueryResult(columns: resultColumns, rows: [], truncated: false)
        // `false` is the longer of the two flags.
        bytes = encodedSize(result)
        try output?.begin(columns: columns)
    }

    func rows(_ batch: RowBatch) throws {
        for row in 0..<batch.rowCount where !truncated {
            let values = (0..<columns.count).map {
                QueryValues.json(batch, row: row, column: $0, type: columns[$0].type)
            }
            let size = encodedSize(values) + (rows.isEmpty ? 0 : 1)
            if rows.count >= QueryService.previewRows || bytes + size > QueryService.previewBytes {
                truncated = true
                break
            }
            bytes += size
            rows.append(values)
        }
        try output?.rows(batch)
    }

    func end(rowsAffected: Int?) throws {
        if result != nil && !columns.isEmpty {
            result = QueryResult(columns: resultColumns, rows: rows, truncated: truncated)
            columns = []
        }
        // Also a statement that returns rows may change them (INSERT … RETURNING).
        if let rowsAffected {
            self.rowsAffected = (self.rowsAffected ?? 0) + rowsAffected
        }
        try output?.end(rowsAffected: rowsAffected)
    }
}
