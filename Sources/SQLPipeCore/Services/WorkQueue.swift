import Foundation

/// A queued transfer, query or replication run, as the server's worker pool picks it up.
public struct QueuedWork: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case transfer, query
        case replicationRun = "replication-run"
    }

    public var kind: Kind
    public var id: Int64
    public var createdAt: Date

    public init(kind: Kind, id: Int64, createdAt: Date) {
        self.kind = kind
        self.id = id
        self.createdAt = createdAt
    }
}

/// The queued work of a store in creation order, transfers and queries together: what `sqlpipe serve`
/// runs, whether it was created through the API or with the CLI's `--detach` in another process.
public struct WorkQueue: Sendable {
    let store: any MetadataStoring

    public init(sqlpipe: SQLPipe) {
        self.store = sqlpipe.store
    }

    /// Up to `limit` queued items, oldest first (ties: replication runs, transfers, queries, then by id).
    public func next(limit: Int) async throws -> [QueuedWork] {
        try await store.queuedWork(limit: limit)
    }

    /// How many transfers and queries are queued now: the queue's depth by kind.
    public func depth() async throws -> [QueuedWork.Kind: Int] {
        try await store.queuedCounts()
    }
}

extension QueuedWork {
    /// `transfer/12`, `query/3`: one key for both kinds.
    public var key: String { Self.key(kind, id) }

    public static func key(_ kind: Kind, _ id: Int64) -> String { "\(kind.rawValue)/\(id)" }
}
