import Foundation
import GRDB
import SQLPipeEngine

/// Creates, runs, lists, cancels and deletes queries: statements run on a connection, with the first
/// rows of the last result kept as a preview.
public struct QueryService: Sendable {
    /// The preview kept with a query: at most this many rows, and this many bytes of JSON, of the last result set.
    public static let previewRows = 1000
    public static let previewBytes = 1 << 20

    let store: MetadataStore
    let connections: ConnectionService

    /// Stores a new query in `queued`. It runs with `run`, in this process or a server's worker.
    public func create(_ input: QueryInput, by caller: Caller) async throws -> Query {
        let (inserted, _) = try await RunLifecycle.insert(try await validated(input, by: caller), claimed: false, in: store)
        try await ActiveRunQuota.admit(inserted, of: caller, in: store)
        return try Self.resource(inserted)
    }

    /// Stores a new query already claimed by this process and runs it: the CLI's foreground run.
    @discardableResult
    public func runNow(
        _ input: QueryInput, by caller: Caller, control: TransferControl = TransferControl(),
        output: (any StatementSink)? = nil
    ) async throws -> Query {
        let (claimed, claim) = try await RunLifecycle.insert(
            try await validated(input, by: caller), claimed: true, in: store)
        try await ActiveRunQuota.admit(claimed, of: caller, in: store)
        guard let claim else { throw SQLPipeError.store("a stored query has no claim") }
        return try await execute(claimed, claim: claim, control: control, output: output)
    }

    private func validated(_ input: QueryInput, by caller: Caller) async throws -> QueryRow {
        var problems: [String: String] = [:]
        let text = (input.query ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { problems["query"] = "must be provided" }
        if text.utf8.count > 1 << 20 { problems["query"] = "must be at most 1 MiB" }
        var connectionID: Int64?
        if let id = input.connectionId {
            do {
                connectionID = try await connections.usable(id, field: "connectionId", by: caller).id
            } catch SQLPipeError.notFound {
                problems["connectionId"] = "no connection with id \(id)"
            }
        } else {
            problems["connectionId"] = "must be provided"
        }
        guard problems.isEmpty, let connectionID else { throw SQLPipeError.validation(problems) }
        let row = QueryRow(
            id: nil, createdAt: Date(), createdBy: caller.username, connectionId: connectionID, query: text,
            status: RunStatus.queued.rawValue, error: nil, rowsAffected: nil, result: nil, startedAt: nil, stoppedAt: nil,
            runnerPid: nil, runnerHost: nil, cancelRequested: false, leaseExpiresAt: nil, runnerToken: nil)
        return row
    }

    /// A page of queries without their results: a result may weigh a megabyte, and it is private to
    /// its query's creator.
    public func list(_ request: PageRequest) async throws -> Page<Query> {
        let (rows, metadata) = try await store.page(of: QuerySummaryRow.self, request)
        let queries = try rows.map { try Self.resource($0.row, result: nil, includesResult: false) }
        return Page(items: queries, metadata: metadata)
    }

    /// The query, with its result only for its creator and admins.
    public func get(_ id: Int64, for caller: Caller) async throws -> Query {
        try Self.resource(try await RunLifecycle.find(QueryRow.self, id, in: store), for: caller)
    }

    /// Cancels a queued query at once; asks a running one to stop (its runner stops the statement on the
    /// server). A finished query cannot be cancelled.
    public func cancel(_ id: Int64, for caller: Caller) async throws -> Query {
        try Self.resource(try await RunLifecycle.cancel(QueryRow.self, id, in: store), for: caller)
    }

    public func delete(_ id: Int64) async throws {
        try await RunLifecycle.delete(QueryRow.self, id, in: store)
    }

    /// Runs a queued query to its end in this process. Every row of every result goes to `output` (the
    /// CLI streams them); the store keeps a capped preview of the last result. A cancel request in the
    /// store, from any process, or through `control`, stops the statement on its server.
    @discardableResult
    public func run(_ id: Int64, control: TransferControl = TransferControl(), output: (any StatementSink)? = nil) async throws -> Query {
        let (claimed, claim) = try await RunLifecycle.claim(QueryRow.self, id, in: store)
        return try await execute(claimed, claim: claim, control: control, output: output)
    }

    /// Runs a query this process has claimed, and records how it ended.
    private func execute(
        _ claimed: QueryRow, claim: RunClaim, control: TransferControl, output: (any StatementSink)?
    ) async throws -> Query {
        let id = claim.id
        let preview = PreviewSink(forwardingTo: output)
        let outcome: Result<Void, any Error>
        do {
            guard let connectionID = claimed.connectionId else {
                throw SQLPipeError.conflict("the connection of query \(id) was deleted")
            }
            let config = try await connections.config(for: String(connectionID))
            let text = claimed.query
            outcome = await RunWatcher.run(.queries, claim: claim, store: store, control: control) {
                try control.checkCancelled()
                let session = try Drivers.open(config)
                defer { session.close() }
                try control.attach(canceller: session.canceller())
                do {
                    try session.runStatements(text, sink: preview)
                } catch {
                    if control.isCancelled { throw TransferCancelled() }
                    throw error
                }
            }
        } catch {
            outcome = .failure(error)
        }
        let cancelled = control.isCancelled
        let (rowsAffected, result) = (preview.rowsAffected, preview.result)
        let finished = try await RunLifecycle.finish(QueryRow.self, claim, in: store) { row in
            row.rowsAffected = rowsAffected
            row.result = result
            switch outcome {
            case .success:
                row.status = RunStatus.complete.rawValue
            case .failure(let error):
                if error is TransferCancelled || cancelled {
                    row.status = RunStatus.cancelled.rawValue
                    row.error = "cancelled"
                } else {
                    row.status = RunStatus.error.rawValue
                    row.error = TransferService.message(of: error)
                }
            }
        }
        return try Self.resource(finished)
    }

    /// Marks the running queries whose process died as failed ("interrupted").
    func recoverInterrupted() async throws {
        _ = try await RunLifecycle.recoverInterrupted(QueryRow.self, in: store)
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
            id: id, createdAt: row.createdAt, createdBy: row.createdBy, connectionId: row.connectionId, query: row.query,
            status: status, error: row.error, rowsAffected: row.rowsAffected, result: result, startedAt: row.startedAt,
            stoppedAt: row.stoppedAt, includesResult: includesResult)
    }
}

/// A row of `queries` read without its result (null here): what lists read.
struct QuerySummaryRow: StoreRecord {
    static let databaseTableName = "queries"
    static var databaseSelection: [any SQLSelectable] { [.allColumns(excluding: ["result"])] }
    var row: QueryRow

    var id: Int64? {
        get { row.id }
        set { row.id = newValue }
    }

    init(from decoder: any Decoder) throws { row = try QueryRow(from: decoder) }
    func encode(to encoder: any Encoder) throws { try row.encode(to: encoder) }
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
